-- Every search names its rooms, so the full-text index leads with the room: a word common in
-- other people's rooms costs a search in yours nothing. btree_gin lets a GIN index hold a plain
-- text column beside the tsvector; it is a trusted extension, so the database's owner may add it.
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE INDEX messages_room_search ON messages USING gin (room, search);

DROP INDEX messages_search;
