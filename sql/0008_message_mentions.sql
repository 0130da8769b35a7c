-- Who each message names with @name, as the room grain read it when the message was sent or
-- last edited (the sender left out). Unread mentions are counted from it, so a room keeps its
-- "you were mentioned" mark across reloads and devices without the rule living in SQL too.
ALTER TABLE messages ADD COLUMN mentions text[] NOT NULL DEFAULT '{}';
