-- Staying signed in. Each login (or registration) starts one signed-in device: an auth session,
-- the "family" of the refresh tokens that follow from it. A refresh token is used once: using it
-- marks it used and adds the next one to the family. Presenting a used one again means a copy of
-- the cookie is in two hands, so the whole family ends (reuse detection). Only SHA-256 hashes of
-- the tokens are stored (256 random bits each), so the table alone signs nobody in.
CREATE TABLE auth_sessions
(
    id           uuid        PRIMARY KEY,
    user_name    text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NOT NULL,
    -- The absolute end: however often it is refreshed, the device signs in again after this.
    expires_at   timestamptz NOT NULL,
    user_agent   text        NOT NULL DEFAULT '',
    -- Set when the device was signed out, by itself, from another device, everywhere, or by reuse.
    ended_at     timestamptz NULL,
    end_reason   text        NULL
);

-- A user's devices, listed, ended all at once, and tidied away once no token of theirs can live.
CREATE INDEX auth_sessions_by_user ON auth_sessions (user_name);

CREATE TABLE refresh_tokens
(
    token_hash bytea       PRIMARY KEY,
    session_id uuid        NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    used_at    timestamptz NULL
);

CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
