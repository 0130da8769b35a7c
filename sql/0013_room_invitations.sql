-- Invitations to rooms. Adding someone to a room used to make them a member at once, without
-- their consent (500 additions filled anyone's room cap). Now the owner or a moderator invites,
-- the invitation waits here, and only the invitee's acceptance joins them (through the room
-- grain, counted against their cap). One pending invitation per room and user; the room grain
-- writes and removes the rows, the user's session lists them.
CREATE TABLE room_invitations
(
    room       text        NOT NULL,
    user_name  text        NOT NULL,
    invited_by text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room, user_name)
);

-- A user's pending invitations, listed and counted (for the per-user cap on pending invitations).
CREATE INDEX room_invitations_by_user ON room_invitations (user_name);
