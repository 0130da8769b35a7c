-- Message text is at most 16 KiB of UTF-8 as sent (MessageRules.MaxTextBytes), whatever the
-- gateway or grain in front: the database holds every writer to it. Both places that store a
-- message's text are checked: the message as it stands and the event that recorded it (an edit's
-- new text too; a topic event's text is far shorter and passes).
--
-- NOT VALID: rows written before the rule are not re-read (history is append-only and may hold a
-- larger one); every row written from now on is checked.

ALTER TABLE messages
    ADD CONSTRAINT messages_text_at_most_16_kib CHECK (octet_length(text) <= 16384) NOT VALID;

ALTER TABLE room_events
    ADD CONSTRAINT room_events_text_at_most_16_kib CHECK (octet_length(payload ->> 'text') <= 16384) NOT VALID;
