-- Invite links: a code the owner or a moderator of a room hands out, which joins whoever holds it.
-- Only a hash of the code is stored (SHA-256; the code is 128 random bits, so the table alone
-- lets nobody join). A link ends when it expires, is used max_uses times, or is revoked; its row
-- stays until then so that a revoked or used-up code answers like an unknown one.
CREATE TABLE room_invite_links
(
    code_hash  bytea       PRIMARY KEY,
    room       text        NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    max_uses   integer     NULL CHECK (max_uses > 0),
    uses       integer     NOT NULL DEFAULT 0,
    revoked    boolean     NOT NULL DEFAULT false
);

-- A room's live links are counted against its cap when one more is made.
CREATE INDEX room_invite_links_by_room ON room_invite_links (room, expires_at);
