-- Orleans' ADO.NET providers (clustering, grain storage) keep no SQL in their code: at start-up
-- each one reads the statements it needs from this table, by well-known key, and fails if one
-- is missing. Later scripts fill it in; this one only creates it.
CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);
