-- Orleans cluster membership in PostgreSQL (Microsoft.Orleans.Clustering.AdoNet, invariant "Npgsql").
--
-- Silos register here, heartbeat here and vote each other dead here; clients read the gateway list
-- from here. The contract (query keys, parameter names, returned columns) is in the Orleans source:
-- src/AdoNet/Shared/Storage/DbStoredQueries.cs and RelationalOrleansQueries.cs. Every clustering key
-- listed there must exist, or the provider refuses to start; that includes CleanupDefunctSiloEntriesKey.
--
-- The membership protocol relies on one version number per cluster: every change to a silo row
-- (insert, status change, suspicion) must also move that number from the version the silo read
-- (@Version) to the next one, atomically, and fail if someone else moved it first. That is the
-- optimistic concurrency that stops two silos from deciding conflicting things about the cluster.
-- The heartbeat (IAmAliveTime) is the one write that skips the version.
--
-- DeploymentId is what Orleans calls ClusterId here. Times are timestamptz: Orleans sends UTC.

CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL PRIMARY KEY,
    Timestamp    timestamptz  NOT NULL DEFAULT now(),
    Version      integer      NOT NULL DEFAULT 0
);

CREATE TABLE OrleansMembershipTable
(
    DeploymentId varchar(150)  NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      varchar(45)   NOT NULL,
    Port         integer       NOT NULL,
    Generation   integer       NOT NULL,
    SiloName     varchar(150)  NOT NULL,
    HostName     varchar(150)  NOT NULL,
    Status       integer       NOT NULL,
    ProxyPort    integer       NOT NULL,
    SuspectTimes text          NULL,
    StartTime    timestamptz   NOT NULL,
    IAmAliveTime timestamptz   NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Run by every silo at start: make sure the cluster has a version row.
-- Returns one boolean: whether this call created it.
('InsertMembershipVersionKey', '
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*) > 0 FROM created;
'),

-- A silo joins: add its row, provided the cluster version is still the one it read and the row is
-- new. Taking the version row first (UPDATE locks it) serialises concurrent membership changes.
-- Returns one boolean: whether the row was inserted.
('InsertMembershipKey', '
WITH bumped AS (
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = @DeploymentId
      AND Version = @Version
      AND NOT EXISTS (
          SELECT 1 FROM OrleansMembershipTable
          WHERE DeploymentId = @DeploymentId AND Address = @Address
            AND Port = @Port AND Generation = @Generation)
    RETURNING DeploymentId
),
inserted AS (
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName,
         Status, ProxyPort, StartTime, IAmAliveTime)
    SELECT DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped
    RETURNING 1
)
SELECT count(*) > 0 FROM inserted;
'),

-- The status or suspicion list of a silo changes: same version rule as the insert.
-- Returns one boolean: whether the row was updated.
('UpdateMembershipKey', '
WITH bumped AS (
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = @DeploymentId
      AND Version = @Version
      AND EXISTS (
          SELECT 1 FROM OrleansMembershipTable
          WHERE DeploymentId = @DeploymentId AND Address = @Address
            AND Port = @Port AND Generation = @Generation)
    RETURNING DeploymentId
),
updated AS (
    UPDATE OrleansMembershipTable AS m
    SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
    FROM bumped
    WHERE m.DeploymentId = bumped.DeploymentId AND m.Address = @Address
      AND m.Port = @Port AND m.Generation = @Generation
    RETURNING 1
)
SELECT count(*) > 0 FROM updated;
'),

-- The heartbeat: no version change, so that liveness does not contend with membership changes.
('UpdateIAmAlivetimeKey', '
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address
  AND Port = @Port AND Generation = @Generation;
'),

-- The row of one silo, with the cluster version. The version row comes back even when the silo has no
-- row (its member columns are then NULL): Orleans always needs the version.
('MembershipReadRowKey', '
SELECT v.Version, m.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m
       ON m.DeploymentId = v.DeploymentId AND m.Address = @Address
      AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
'),

-- The rows of all silos, with the cluster version (one row with NULL member columns if there are none).
('MembershipReadAllKey', '
SELECT v.Version, m.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
'),

-- For clients: the gateways of silos in the given status (Orleans asks for Active).
('GatewaysQueryKey', '
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
'),

-- Forget a whole cluster (used by tooling and tests).
('DeleteMembershipTableEntriesKey', '
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
'),

-- Housekeeping by the silos: drop rows of silos that are dead (SiloStatus.Dead = 6) and have not
-- been heard from since @IAmAliveTime. Dead rows carry no vote, so the version is left alone.
('CleanupDefunctSiloEntriesKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status = 6;
');
