-- The messages table's first automatic ANALYZE waits for 10,000 rows instead of PostgreSQL's 50.
--
-- Why: a batch of sends checks each clientMsgId with a probe of messages_idempotency
-- (Grains/Rooms/RoomLog.cs). Planned from statistics taken when the rooms held a message or two,
-- a room looks as small as one row, and the planner may as well reach it through the primary key's
-- room prefix: it then reads the room's whole history once per message checked, and keeps that
-- plan until the next ANALYZE, which on a table growing fast comes a minute or more later. Before
-- its first ANALYZE the table is judged by its size, and after 10,000 rows its rooms are measured
-- as they are; later analyzes follow PostgreSQL's usual 10 % of the rows.
ALTER TABLE messages SET (autovacuum_analyze_threshold = 10000);
