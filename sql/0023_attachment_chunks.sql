-- Uploads' bytes in PostgreSQL as rows of at most 8,000 bytes each, written by binary COPY
-- (Gateway/Attachments/PostgresAttachmentStore.cs), instead of one bytea value per file.
--
-- Why: a 1 MB value arrives as one 1 MB protocol message, which the server copies whole into fresh
-- memory several times over (the message, the bound parameter, the plan's constant) before cutting
-- it into 2 kB TOAST rows; on the bench machine those fresh pages (page faults) and copies were most
-- of PostgreSQL's CPU during uploads, about 30 ms per MB. COPY streams the chunks through a small
-- fixed buffer, and a chunk of 8,000 bytes kept PLAIN fits one page as it is: no TOAST, a quarter of
-- the rows and index entries.
--
-- No foreign key: it would look the file up once per chunk. The trigger below deletes a file's
-- chunks with its row instead, however the row goes (a deleted message, the sweep of unsent uploads).
-- Rows written before this migration keep their bytes in attachments.content and are read from there.
CREATE TABLE attachment_chunks
(
    attachment uuid  NOT NULL,
    n          int   NOT NULL,
    bytes      bytea NOT NULL,
    PRIMARY KEY (attachment, n)
);
ALTER TABLE attachment_chunks ALTER COLUMN bytes SET STORAGE PLAIN;

CREATE FUNCTION attachment_chunks_follow_their_file() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM attachment_chunks WHERE attachment = OLD.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER attachments_delete_chunks
    AFTER DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION attachment_chunks_follow_their_file();
