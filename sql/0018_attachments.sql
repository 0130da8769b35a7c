-- Attachments (issue 14): files uploaded to a room by a member, then attached to one message.
--
-- The bytes live in the row (bytea; PostgreSQL keeps large values out of line in TOAST, so reading
-- or summing the other columns never touches them). An upload belongs to its room and its uploader;
-- until a message carries it (message_seq is null) only the uploader may fetch it, and it counts
-- against both quotas all the same. The room grain attaches uploads in the statement that stores
-- the message, and deleting the message deletes its attachments' rows in the statement that stores
-- the delete: access to the bytes ends with the message, and the space is given back.
CREATE TABLE attachments
(
    id            uuid        PRIMARY KEY,
    room          text        NOT NULL,
    uploader      text        NOT NULL,
    -- The name as given, made safe for a header and a download (Gateway/Attachments/FileNames.cs).
    name          text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    -- Decided from the bytes at upload (Gateway/Attachments/ContentSniffer.cs), never from the client.
    content_type  text        NOT NULL,
    size          bigint      NOT NULL CHECK (size > 0),
    content       bytea       NOT NULL,
    thumbnail     bytea       NULL,
    created_at    timestamptz NOT NULL,
    message_seq   bigint      NULL,
    -- Where the file stands among its message's attachments (its place in the send's list).
    position      int         NULL
);

-- The quotas sum sizes per uploader and per room; history finds a message's attachments.
CREATE INDEX attachments_by_uploader ON attachments (uploader) INCLUDE (size);
CREATE INDEX attachments_by_room ON attachments (room, message_seq) INCLUDE (size);
