-- Orleans grain state in PostgreSQL (Microsoft.Orleans.Persistence.AdoNet, invariant "Npgsql").
--
-- Grains with [PersistentState(..., "store")] keep their state here as one serialized blob per
-- grain. The contract is in the Orleans source: src/AdoNet/Orleans.Persistence.AdoNet/Storage/
-- Provider/AdoNetGrainStorage.cs (query keys, parameters, returned columns) and AdoGrainKey.cs.
--
-- A grain is identified by ServiceId, its type and its key. Orleans splits the key into two
-- numbers (GrainIdN0/N1: a Guid or integer key) and a string (GrainIdExtensionString: a string
-- key, or the extension of a compound key, else NULL), and sends hashes of key and type for a
-- compact index. Hashes can collide, so every statement also compares the full identity.
--
-- Version is the ETag: Orleans sends the version it last read (@GrainStateVersion, NULL for a
-- grain that has never been stored) and a write or clear succeeds only if it still matches, which
-- stops two activations of the same grain from overwriting each other. A statement that returns
-- no row (or the old version) tells Orleans the ETag was stale.

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        text         NOT NULL,
    GrainIdExtensionString text         NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NOT NULL
);

-- One row per grain. The hashes lead so that the index also serves the lookups; NULLS NOT DISTINCT
-- (PostgreSQL 15+) makes two grains without a key extension collide as they should.
CREATE UNIQUE INDEX OrleansStorage_Grain ON OrleansStorage
    (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
    NULLS NOT DISTINCT;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Returns the payload and the version, or no row for a grain never stored. A cleared grain
-- has a row with a NULL payload and keeps its version.
('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
'),

-- One statement, no function: with a version, update the row only if it still has that version;
-- without one, insert the first row (version 1) unless another activation got there first.
-- Returns NewGrainStateVersion, or no row on a conflict.
('WriteToStorageKey', '
WITH updated AS (
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary, Version = Version + 1, ModifiedOn = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND Version = @GrainStateVersion
    RETURNING Version
),
inserted AS (
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
         GrainIdExtensionString, ServiceId, PayloadBinary, Version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
           @GrainIdExtensionString, @ServiceId, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING Version
)
SELECT Version AS NewGrainStateVersion FROM updated
UNION ALL
SELECT Version FROM inserted;
'),

-- Clearing keeps the row (payload NULL) and moves the version on, so that an activation still
-- holding the old ETag cannot write stale state back. Returns the new version, or no row on a
-- conflict.
('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = now()
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version;
'),

-- Optional: used instead of ClearStorageKey when the provider has DeleteStateOnClear = true.
-- Removes the row; returns the deleted version + 1 (Orleans reads an unchanged version as a
-- conflict), or no row on a conflict.
('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version + 1;
');
