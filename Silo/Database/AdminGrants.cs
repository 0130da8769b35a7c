using ChatApp.Users;
using Npgsql;

namespace ChatApp.Silo.Database;

/// <summary>
/// The operator's command for the admin role: <c>ChatApp.Silo admin grant|revoke NAME</c> and
/// <c>admin list</c>. The role lives in the <c>admins</c> table (sql/0012_admins.sql), tied to the
/// account, and the gateway checks it on every admin request, so a change holds at once.
/// </summary>
public static class AdminGrants
{
    public const string Usage = "usage: ChatApp.Silo admin grant NAME | admin revoke NAME | admin list";

    /// <summary>Runs one admin verb; returns the process exit code, having written what happened.</summary>
    public static async Task<int> RunAsync(string connectionString, IReadOnlyList<string> args, TextWriter output, TextWriter errors)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        switch (args)
        {
            case ["grant", var name]:
                if (!await GrantAsync(db, name))
                {
                    await errors.WriteLineAsync($"No user is named '{Normalize(name)}': they must register first.");
                    return 1;
                }
                await output.WriteLineAsync($"'{Normalize(name)}' is an administrator.");
                return 0;
            case ["revoke", var name]:
                await output.WriteLineAsync(await RevokeAsync(db, name)
                    ? $"'{Normalize(name)}' is no longer an administrator."
                    : $"'{Normalize(name)}' was not an administrator.");
                return 0;
            case ["list"]:
                foreach (var admin in await ListAsync(db))
                {
                    await output.WriteLineAsync(admin);
                }
                return 0;
            default:
                await errors.WriteLineAsync(Usage);
                return 2;
        }
    }

    /// <summary>Makes the named user an administrator (again is fine); false when no user has that name.</summary>
    public static async Task<bool> GrantAsync(NpgsqlDataSource db, string name)
    {
        await using var cmd = db.CreateCommand(
            "INSERT INTO admins (user_id) SELECT id FROM users WHERE name = $1 ON CONFLICT (user_id) DO NOTHING RETURNING user_id");
        cmd.Parameters.AddWithValue(Normalize(name));
        return await cmd.ExecuteScalarAsync() is not null || await IsAdminAsync(db, name);
    }

    /// <summary>Takes the role away; false when the user did not have it.</summary>
    public static async Task<bool> RevokeAsync(NpgsqlDataSource db, string name)
    {
        await using var cmd = db.CreateCommand("DELETE FROM admins USING users WHERE admins.user_id = users.id AND users.name = $1");
        cmd.Parameters.AddWithValue(Normalize(name));
        return await cmd.ExecuteNonQueryAsync() > 0;
    }

    public static async Task<IReadOnlyList<string>> ListAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT u.name FROM admins a JOIN users u ON u.id = a.user_id ORDER BY u.name");
        await using var reader = await cmd.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    private static async Task<bool> IsAdminAsync(NpgsqlDataSource db, string name)
    {
        await using var cmd = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM admins a JOIN users u ON u.id = a.user_id WHERE u.name = $1)");
        cmd.Parameters.AddWithValue(Normalize(name));
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    // Names are stored lower-cased; the operator may type them either way.
    private static string Normalize(string name) => UserName.Normalize(name);
}
