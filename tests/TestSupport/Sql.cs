using ChatApp.Rooms;
using ChatApp.Users;
using Npgsql;

namespace ChatApp.Tests.Support;

/// <summary>
/// Just enough ADO.NET for tests to look at and poke the database straight, past the grains and
/// the gateway: a statement's rows, each an array of its column values (null for SQL NULL).
/// </summary>
public static class Sql
{
    /// <summary>
    /// Runs a statement and returns its rows. Each parameter is a value for <c>$1</c>, <c>$2</c>, …
    /// in turn, or an <see cref="NpgsqlParameter"/> named and typed by the caller (as Orleans' own
    /// queries want theirs); a statement takes one kind or the other. A room id or user name goes as
    /// the text it is.
    /// </summary>
    public static async Task<List<object?[]>> QueryAsync(string connectionString, string sql, params object?[] parameters)
    {
        // A data source of its own, not the process's pool: a server restarted under a test (as the
        // failover tests restart theirs) cannot hand back a pooled connection it broke.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = AsColumn(value) });
        }

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    private static object AsColumn(object? value) => value switch
    {
        null => DBNull.Value,
        RoomId room => room.Value,
        UserName user => user.Value,
        _ => value,
    };

    /// <summary>The first column of the first row, or the default when there is no row.</summary>
    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params object?[] parameters)
    {
        var rows = await QueryAsync(connectionString, sql, parameters);
        return rows.Count == 0 ? default : (T?)rows[0][0];
    }
}
