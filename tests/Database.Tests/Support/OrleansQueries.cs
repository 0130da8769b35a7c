using ChatApp.Tests.Support;

namespace ChatApp.Tests.Database.Support;

/// <summary>The queries Orleans' ADO.NET providers read from the OrleansQuery table.</summary>
public static class OrleansQueries
{
    /// <summary>The text stored under an OrleansQuery key, as the providers read it.</summary>
    public static async Task<string> TextAsync(string connectionString, string key) =>
        await Sql.ScalarAsync<string>(connectionString, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = $1", key)
        ?? throw new InvalidOperationException($"No OrleansQuery row for {key}");
}
