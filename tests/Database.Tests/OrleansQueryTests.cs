using System.Data;
using ChatApp.Tests.Database.Support;
using ChatApp.Tests.Support;
using Npgsql;
using Xunit;

namespace ChatApp.Tests.Database;

/// <summary>
/// The contract between the SQL scripts and Orleans' ADO.NET providers, checked query by query
/// where a running silo would not show a mistake (missing keys, stale versions).
/// </summary>
public sealed class OrleansQueryTests(TestDatabaseFixture fixture) : IClassFixture<TestDatabaseFixture>
{
    // Required by Orleans.Clustering.AdoNet (DbStoredQueries) and Orleans.Persistence.AdoNet
    // (AdoNetGrainStorage.Init); a missing one stops the provider at start-up.
    public static TheoryData<string> RequiredKeys => new()
    {
        "GatewaysQueryKey",
        "MembershipReadRowKey",
        "MembershipReadAllKey",
        "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey",
        "InsertMembershipKey",
        "UpdateMembershipKey",
        "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
        "WriteToStorageKey",
        "ReadFromStorageKey",
        "ClearStorageKey",
        // Optional for Orleans (only with DeleteStateOnClear), present so that option works.
        "DeleteStorageKey",
    };

    private string Db => fixture.ConnectionString;

    [Theory]
    [MemberData(nameof(RequiredKeys))]
    public async Task EveryQueryKeyTheProvidersNeedIsPresent(string key)
    {
        Assert.False(string.IsNullOrWhiteSpace(await OrleansQueries.TextAsync(Db, key)));
    }

    [Fact]
    public async Task GrainStateWriteWithAStaleVersionIsRefused()
    {
        var write = await OrleansQueries.TextAsync(Db, "WriteToStorageKey");
        var grain = $"grain-{Guid.NewGuid():N}";

        Assert.Equal(new object?[] { 1 }, await WriteStateAsync(write, grain, version: null));
        Assert.Empty(await WriteStateAsync(write, grain, version: null)); // someone else created it first
        Assert.Equal(new object?[] { 2 }, await WriteStateAsync(write, grain, version: 1));
        Assert.Empty(await WriteStateAsync(write, grain, version: 1)); // stale ETag
    }

    [Fact]
    public async Task MembershipChangesWithAStaleTableVersionAreRefused()
    {
        var cluster = $"cluster-{Guid.NewGuid():N}";
        Assert.True(await SingleBooleanAsync("InsertMembershipVersionKey", Param("DeploymentId", cluster)));
        Assert.False(await SingleBooleanAsync("InsertMembershipVersionKey", Param("DeploymentId", cluster)));

        Assert.True(await InsertSiloAsync(cluster, tableVersion: 0));
        Assert.False(await InsertSiloAsync(cluster, tableVersion: 0)); // version moved to 1
        Assert.True(await UpdateSiloStatusAsync(cluster, tableVersion: 1, status: 6));
        Assert.False(await UpdateSiloStatusAsync(cluster, tableVersion: 1, status: 3));
        Assert.Equal(
            new object?[] { 2, 6 },
            (await Sql.QueryAsync(Db,
                "SELECT v.Version, m.Status FROM OrleansMembershipVersionTable v JOIN OrleansMembershipTable m USING (DeploymentId) WHERE DeploymentId = $1",
                cluster)).Single());
    }

    private Task<bool> InsertSiloAsync(string cluster, int tableVersion) =>
        SingleBooleanAsync("InsertMembershipKey",
            Param("DeploymentId", cluster), Param("Address", "127.0.0.1", DbType.AnsiString),
            Param("Port", 11111), Param("Generation", 1), Param("SiloName", "silo"), Param("HostName", "host"),
            Param("Status", 3), Param("ProxyPort", 30000), Param("StartTime", DateTime.UtcNow),
            Param("IAmAliveTime", DateTime.UtcNow), Param("Version", tableVersion));

    private Task<bool> UpdateSiloStatusAsync(string cluster, int tableVersion, int status) =>
        SingleBooleanAsync("UpdateMembershipKey",
            Param("DeploymentId", cluster), Param("Address", "127.0.0.1", DbType.AnsiString),
            Param("Port", 11111), Param("Generation", 1), Param("IAmAliveTime", DateTime.UtcNow),
            Param("Status", status), Param("SuspectTimes", null, DbType.String), Param("Version", tableVersion));

    // Parameters typed the way Orleans' DbExtensions types them.
    private static NpgsqlParameter Param(string name, object? value, DbType? type = null)
    {
        var parameter = new NpgsqlParameter(name, value ?? DBNull.Value);
        parameter.DbType = type ?? value switch
        {
            int => DbType.Int32,
            long => DbType.Int64,
            DateTime => DbType.DateTime,
            byte[] => DbType.Binary,
            _ => DbType.String,
        };
        return parameter;
    }

    private async Task<bool> SingleBooleanAsync(string key, params NpgsqlParameter[] parameters)
    {
        var rows = await ExecuteAsync(await OrleansQueries.TextAsync(Db, key), parameters);
        return Convert.ToBoolean(Assert.Single(rows), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task<List<object?>> WriteStateAsync(string write, string grain, int? version) =>
        ExecuteAsync(write,
            Param("GrainIdHash", grain.GetHashCode(StringComparison.Ordinal)), Param("GrainIdN0", 0L), Param("GrainIdN1", 0L),
            Param("GrainTypeHash", 42), Param("GrainTypeString", "NoteGrain"),
            Param("GrainIdExtensionString", grain), Param("ServiceId", "service"),
            Param("GrainStateVersion", version, DbType.Int32), Param("PayloadBinary", new byte[] { 1, 2, 3 }));

    private async Task<List<object?>> ExecuteAsync(string sql, params NpgsqlParameter[] parameters) =>
        [.. (await Sql.QueryAsync(Db, sql, parameters)).Select(row => row[0])];
}
