-- Profiles: the name a user chooses to be shown by. The user name stays the identity (logins,
-- mentions, membership); the display name is only shown beside it. NULL: none chosen, the user
-- name is shown. The gateway checks the rule (docs/security.md: trimmed, 1 to 64 characters, no
-- control characters or bidirectional overrides); the database holds the sizes to it too, so no
-- other writer can store a longer one.
ALTER TABLE users
    ADD COLUMN display_name text NULL
        CONSTRAINT users_display_name_size
            CHECK (display_name IS NULL OR (char_length(display_name) BETWEEN 1 AND 64 AND octet_length(display_name) <= 256));
