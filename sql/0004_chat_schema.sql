-- The chat application's own tables. Grain state (in OrleansStorage) is the authority for live
-- rooms and members; these tables are what must outlive a grain and be queried across grains:
-- accounts, the directory of rooms, the room history and the messages.

-- Accounts. The name is the login and the identity users see, hence unique.
CREATE TABLE users
(
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text        NOT NULL UNIQUE,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- A directory for listing public rooms; the room grain's state is authoritative for members.
CREATE TABLE rooms
(
    id         text        PRIMARY KEY,
    visibility text        NOT NULL CHECK (visibility IN ('public', 'private')),
    owner      text        NOT NULL,
    topic      text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Everything that happened in a room, in order (seq is assigned by the room grain). Append-only:
-- it is the record replayed to clients that reconnect, so history is never rewritten.
CREATE TABLE room_events
(
    room    text        NOT NULL,
    seq     bigint      NOT NULL,
    kind    text        NOT NULL,
    sender  text        NOT NULL,
    payload jsonb       NOT NULL DEFAULT '{}',
    ts      timestamptz NOT NULL,
    PRIMARY KEY (room, seq)
);

-- Enforce append-only in the database, so that no code path can quietly edit history.
CREATE FUNCTION room_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'room_events is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER room_events_append_only
    BEFORE UPDATE OR DELETE ON room_events
    FOR EACH ROW EXECUTE FUNCTION room_events_refuse_change();

CREATE TRIGGER room_events_no_truncate
    BEFORE TRUNCATE ON room_events
    FOR EACH STATEMENT EXECUTE FUNCTION room_events_refuse_change();

-- Messages as they stand now (edits and deletions applied), for history pages and search.
CREATE TABLE messages
(
    room          text        NOT NULL,
    seq           bigint      NOT NULL,
    sender        text        NOT NULL,
    client_msg_id text        NULL,
    text          text        NOT NULL,
    ts            timestamptz NOT NULL,
    edited_ts     timestamptz NULL,
    deleted       boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (room, seq)
);

-- Makes send idempotent: a client retrying a message with the same id gets the stored one back
-- instead of a duplicate.
CREATE UNIQUE INDEX messages_idempotency ON messages (room, sender, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
