using ChatApp.Gateway.Contract;
using ChatApp.Users;
using Npgsql;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// The accounts the gateway uses itself, to warm its paths up before it is ready: named
/// <see cref="Prefix"/> and a number, which registration refuses, and marked <c>system</c> in the
/// users table (sql/0025), where nobody can sign in to them.
/// </summary>
public sealed class SystemAccounts(NpgsqlDataSource db, TokenService tokens)
{
    public const string Prefix = "chatapp-warmup-";

    /// <summary>Whether a name is kept for the servers' own accounts: registration refuses it.</summary>
    public static bool IsReserved(UserName name) => name.Value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The name of the <paramref name="index"/>th warm-up account.</summary>
    public static UserName WarmupName(int index) => UserName.Parse(Prefix + index.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Makes the first <paramref name="count"/> warm-up accounts where missing and signs each in: a
    /// token per account. A name someone registered before the prefix was reserved is left out, so
    /// the list may be shorter than asked.
    /// </summary>
    public async Task<IReadOnlyList<(UserName Name, string Token)>> WarmupUsers(int count)
    {
        var names = Enumerable.Range(0, count).Select(i => WarmupName(i).Value).ToArray();
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "INSERT INTO users (name, password_hash, system) SELECT unnest($1::text[]), '', true ON CONFLICT (name) DO NOTHING")
        { Parameters = { new() { Value = names } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "SELECT id, name, token_version FROM users WHERE name = ANY($1) AND system ORDER BY name")
        { Parameters = { new() { Value = names } } });
        await using var reader = await batch.ExecuteReaderAsync();
        var users = new List<(UserName, string)>(count);
        while (await reader.ReadAsync())
        {
            var account = new UserAccounts.Account(new UserView(reader.GetInt64(0), UserName.Parse(reader.GetString(1))), reader.GetInt32(2));
            users.Add((account.User.Name, tokens.Issue(account)));
        }
        return users;
    }
}
