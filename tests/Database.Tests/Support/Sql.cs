using Npgsql;

namespace ChatApp.Tests.Database.Support;

/// <summary>Just enough ADO.NET for tests to look at and poke the database.</summary>
public static class Sql
{
    public static async Task<List<object?[]>> QueryAsync(string connectionString, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
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

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params (string Name, object? Value)[] parameters)
    {
        var rows = await QueryAsync(connectionString, sql, parameters);
        return rows.Count == 0 ? default : (T?)rows[0][0];
    }

    /// <summary>The text stored under an OrleansQuery key, as the providers read it.</summary>
    public static async Task<string> OrleansQueryAsync(string connectionString, string key) =>
        await ScalarAsync<string>(connectionString, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", ("key", key))
        ?? throw new InvalidOperationException($"No OrleansQuery row for {key}");
}
