-- Avatars: the small square picture a user is shown by beside their name. Only the gateway's
-- re-encoded PNG is kept (never the uploaded file, whose metadata and trailing bytes are dropped
-- by re-encoding), one per user, apart from the users table so that reading profiles never reads
-- pictures. `version` is a hash of the picture: it is part of the avatar's address, so the address
-- changes whenever the picture does and browsers may cache each address for good.
CREATE TABLE user_avatars
(
    user_name  text        NOT NULL PRIMARY KEY REFERENCES users (name) ON DELETE CASCADE,
    version    text        NOT NULL CHECK (version ~ '^[0-9a-f]{16}$'),
    image      bytea       NOT NULL CHECK (octet_length(image) BETWEEN 1 AND 1048576),
    updated_at timestamptz NOT NULL DEFAULT now()
);
