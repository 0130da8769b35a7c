using Npgsql;

namespace ChatApp.Search;

/// <summary>
/// The connections searches run on. Unlike the grains' shared data source, these never prepare
/// their statements: a prepared statement may settle on one generic plan, while a search's best
/// plan depends on its words and rooms (walk a room newest first for a common word, use the
/// full-text index for a rare one), so PostgreSQL must plan each search with its own values.
/// </summary>
public sealed class SearchDatabase(string connectionString) : IDisposable
{
    private readonly NpgsqlDataSource _db = CreateUnprepared(connectionString);

    public NpgsqlCommand CreateCommand(string sql) => _db.CreateCommand(sql);

    public ValueTask<NpgsqlConnection> OpenConnectionAsync() => _db.OpenConnectionAsync();

    public void Dispose() => _db.Dispose();

    private static NpgsqlDataSource CreateUnprepared(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxAutoPrepare = 0;
        return builder.Build();
    }
}
