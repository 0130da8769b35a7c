-- Uploads (issue 14, performance): how the bytes of an upload are kept.
--
-- STORAGE EXTERNAL: out of line in TOAST, never compressed. With the default (EXTENDED) PostgreSQL
-- first runs pglz over every value over 2 kB, and an upload is almost always bytes that are already
-- compressed (JPEG, PNG, PDF, zip, video): the attempt reads the whole value, fails to save the 25 %
-- it requires, and the value is stored as it came, the CPU spent for nothing on the server every
-- message shares. The column changes only for rows written from now on; old rows stay as they are.
ALTER TABLE attachments ALTER COLUMN content SET STORAGE EXTERNAL;

-- An upload's bytes may live outside the database (Attachments:Store = Folder, docs/deploy.md):
-- then the row keeps the record (room, uploader, size for the quotas, name, type, thumbnail, the
-- message that carries it) and content is null. The folder store still serves a row that has its
-- bytes, so switching a deployment from the default store to a folder loses nothing.
ALTER TABLE attachments ALTER COLUMN content DROP NOT NULL;
