using System.Text.Json;
using Npgsql;

namespace ChatApp.Tests.Grains.Plans;

/// <summary>
/// How many pages one execution of a statement touches under the plan PostgreSQL keeps for it: the
/// generic plan, made once for any parameters, which is what Npgsql's prepared statements run.
/// </summary>
public static class PagesRead
{
    /// <param name="statement">The statement, with $1, $2, … for its parameters.</param>
    /// <param name="parameterTypes">The parameters' SQL types, as PREPARE wants them.</param>
    /// <param name="arguments">The arguments as SQL literals, as EXECUTE wants them.</param>
    public static async Task<long> ByAsync(string connectionString, string statement, string parameterTypes, string arguments)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "SET plan_cache_mode = force_generic_plan");
        await ExecuteAsync(connection, $"PREPARE measured({parameterTypes}) AS {statement}");
        await using var explain = new NpgsqlCommand($"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE measured({arguments})", connection);
        var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!).RootElement[0].GetProperty("Plan");
        return plan.GetProperty("Shared Hit Blocks").GetInt64() + plan.GetProperty("Shared Read Blocks").GetInt64();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
