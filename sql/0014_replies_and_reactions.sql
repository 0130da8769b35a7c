-- Replies and reactions (issue 14).
--
-- A reply names the message it answers by seq; the room grain stores it only when that seq is a
-- message of the same room, in the same statement that stores the reply.
ALTER TABLE messages ADD COLUMN reply_to bigint NULL;

-- Reactions as rows, as members are (sql/0010): one row per (message, emoji, user), written in the
-- same statement as the reaction event that records it and deleted in the same statement as the
-- unreaction event, through the silo's group commit. Adding or removing one costs one row whatever
-- the message holds, and history reads a message's reactions through the primary key.
CREATE TABLE message_reactions
(
    room      text   NOT NULL,
    seq       bigint NOT NULL,
    emoji     text   NOT NULL CHECK (octet_length(emoji) BETWEEN 1 AND 32),
    user_name text   NOT NULL,
    -- The seq of the reaction event that made the row: a repeated reaction is answered with it,
    -- and it orders the users of an emoji and the emoji of a message by when they came.
    event_seq bigint NOT NULL,
    PRIMARY KEY (room, seq, emoji, user_name)
);
