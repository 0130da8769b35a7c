-- Membership as rows. Until now each room kept its members and bans, and each user session its
-- rooms and read markers, inside its Orleans state blob, written whole on every join, leave, kick,
-- role change and read: O(members) bytes per change, O(members²) to fill a room. Here one join is
-- one row, and a read marker one column of it, whatever the room's size.
--
-- The room grain is the only writer of membership rows (each in the same statement as the event
-- that records it); the user's session reads its rooms and markers from them when it activates
-- and moves read_seq forward.

CREATE TABLE room_members
(
    room      text   NOT NULL,
    user_name text   NOT NULL,
    role      text   NOT NULL CHECK (role IN ('owner', 'moderator', 'member')),
    -- The last seq of the room the user has read; it starts at the join, as the past is not unread.
    read_seq  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (room, user_name)
);

-- A session's activation and the per-user room cap read a user's rows.
CREATE INDEX room_members_by_user ON room_members (user_name);

CREATE TABLE room_bans
(
    room      text NOT NULL,
    user_name text NOT NULL,
    PRIMARY KEY (room, user_name)
);

-- Existing databases: move what the grain state blobs hold into the rows. Orleans' ADO.NET storage
-- wrote the states as JSON (Newtonsoft's, with "$type" and "$id" members beside the data):
--   room:    {"Exists":…, "Owner":…, "Members": {"alice": "owner", …}, "Banned": {"$values": ["dave"]}, …}
--   session: {"Rooms": {"$values": ["lobby", …]}, "ReadMarkers": {"lobby": 6, …}}
-- The room is the authority on who belongs to it; a session's marker is kept for those rooms only.
INSERT INTO room_members (room, user_name, role)
SELECT s.GrainIdExtensionString, m.key, m.value
FROM OrleansStorage s
CROSS JOIN LATERAL jsonb_each_text(convert_from(s.PayloadBinary, 'UTF8')::jsonb -> 'Members') m
WHERE s.GrainTypeString = 'room' AND s.PayloadBinary IS NOT NULL AND left(m.key, 1) <> '$'
ON CONFLICT DO NOTHING;

INSERT INTO room_bans (room, user_name)
SELECT s.GrainIdExtensionString, b.value
FROM OrleansStorage s
CROSS JOIN LATERAL jsonb_array_elements_text(convert_from(s.PayloadBinary, 'UTF8')::jsonb -> 'Banned' -> '$values') b
WHERE s.GrainTypeString = 'room' AND s.PayloadBinary IS NOT NULL
ON CONFLICT DO NOTHING;

UPDATE room_members r
SET read_seq = marker.value::bigint
FROM OrleansStorage s
CROSS JOIN LATERAL jsonb_each_text(convert_from(s.PayloadBinary, 'UTF8')::jsonb -> 'ReadMarkers') marker
WHERE s.GrainTypeString = 'session' AND s.PayloadBinary IS NOT NULL AND left(marker.key, 1) <> '$'
  AND r.room = marker.key AND r.user_name = s.GrainIdExtensionString;

-- What moved is taken out of the blobs, so that no stale copy is left to mislead. A room's blob
-- keeps the rest ("$id" and "$type" still lead: jsonb orders keys by length first). A session has
-- no stored state any more.
UPDATE OrleansStorage
SET PayloadBinary = convert_to((convert_from(PayloadBinary, 'UTF8')::jsonb - 'Members' - 'Banned' - 'LastSeq')::text, 'UTF8')
WHERE GrainTypeString = 'room' AND PayloadBinary IS NOT NULL;

DELETE FROM OrleansStorage WHERE GrainTypeString = 'session';
