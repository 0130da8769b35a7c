-- When the database saw a user's credentials move on, and a device end: each gateway re-checks its
-- sockets' tokens at every lease renewal (Gateway/Cluster/SocketRevalidation.cs), and with these it
-- asks only for what changed since its last check instead of for every user it holds (10 queries
-- of 1,000 names every 20 s for 10,000 sockets). The stamps are the database's own clock, set by
-- triggers, so every writer stamps alike and no gateway's clock is trusted (auth_sessions.ended_at
-- is the clock of the gateway that ended the device).

-- Rows as they are now count as changed now: a gateway running across the migration checks them once more.
ALTER TABLE users ADD COLUMN token_changed_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX users_by_token_change ON users (token_changed_at);

ALTER TABLE auth_sessions ADD COLUMN ended_recorded_at timestamptz NULL;
UPDATE auth_sessions SET ended_recorded_at = now() WHERE ended_at IS NOT NULL;
CREATE INDEX auth_sessions_by_end_recorded ON auth_sessions (ended_recorded_at) WHERE ended_recorded_at IS NOT NULL;

-- clock_timestamp(), not now(): now() is when the writing transaction began, which may be long
-- before it commits; the readers allow for the rest of that gap (SocketRevalidation.Overlap).
CREATE FUNCTION stamp_token_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.token_changed_at := clock_timestamp();
    RETURN NEW;
END $$;

CREATE TRIGGER users_token_change_stamped
    BEFORE UPDATE OF token_version ON users
    FOR EACH ROW WHEN (NEW.token_version IS DISTINCT FROM OLD.token_version)
    EXECUTE FUNCTION stamp_token_change();

CREATE FUNCTION stamp_device_end() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.ended_recorded_at := clock_timestamp();
    RETURN NEW;
END $$;

CREATE TRIGGER auth_sessions_end_stamped
    BEFORE UPDATE OF ended_at ON auth_sessions
    FOR EACH ROW WHEN (OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL)
    EXECUTE FUNCTION stamp_device_end();
