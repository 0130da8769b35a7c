-- Tokens carry the version of their user's credentials. Logging out or changing the password
-- moves the version on, and every token issued before is refused from then on.
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;
