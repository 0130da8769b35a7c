-- Full-text search over messages as they stand now. The vector is stored and generated from the
-- text, so an edit re-indexes by itself and a deleted message (text '') has nothing to find.
-- Two configurations side by side: 'english' so that "running" finds "run", and 'simple' so that
-- words of any other language still match exactly as written.
ALTER TABLE messages
    ADD COLUMN search tsvector GENERATED ALWAYS AS
        (to_tsvector('english', text) || to_tsvector('simple', text)) STORED;

CREATE INDEX messages_search ON messages USING gin (search);
