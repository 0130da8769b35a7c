-- Accounts the servers use themselves: a gateway warms its code paths up through its own /ws
-- before it says it is ready (Gateway/Sockets/SocketWarmup.cs), as users it makes here. They are
-- named with a prefix registration refuses, marked here so that an account someone registered
-- under such a name before this migration is never taken for one of them, and no password signs
-- in to them (an empty hash verifies nothing, and login passes them over).
ALTER TABLE users ADD COLUMN system boolean NOT NULL DEFAULT false;
