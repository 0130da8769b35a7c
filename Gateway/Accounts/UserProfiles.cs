using ChatApp.Gateway.Contract;
using ChatApp.Users;
using Npgsql;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// Users' profiles, in the users table beside their accounts: read by any signed-in user, changed
/// only by their owner (the gateway passes the token's user, never a name from a request).
/// </summary>
public sealed class UserProfiles(NpgsqlDataSource db)
{
    /// <summary>The most user names one read may ask for: a page of members, or the senders of a history page.</summary>
    public const int MaxNamesPerRead = 100;

    /// <summary>The profiles of those of <paramref name="names"/> that are users, in name order.</summary>
    public async Task<IReadOnlyList<ProfileView>> Of(IReadOnlyCollection<UserName> names)
    {
        await using var cmd = db.CreateCommand("""
            SELECT u.name, u.display_name, a.version FROM users u LEFT JOIN user_avatars a ON a.user_name = u.name
            WHERE u.name = ANY($1) ORDER BY u.name
            """);
        cmd.Parameters.AddWithValue(names.Select(name => name.Value).ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        var profiles = new List<ProfileView>();
        while (await reader.ReadAsync())
        {
            var name = reader.GetString(0);
            profiles.Add(new ProfileView(name, reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : Profiles.UserAvatars.Address(name, reader.GetString(2))));
        }
        return profiles;
    }

    /// <summary>Sets (or, with null, clears) the user's display name, already normalized by <see cref="DisplayNames"/>.</summary>
    public async Task SetDisplayName(UserName user, string? displayName)
    {
        await using var cmd = db.CreateCommand("UPDATE users SET display_name = $2 WHERE name = $1");
        cmd.Parameters.AddWithValue(user.Value);
        cmd.Parameters.AddWithValue((object?)displayName ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync();
    }
}
