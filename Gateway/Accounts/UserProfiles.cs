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

    /// <summary>
    /// The profiles of those of <paramref name="names"/> that are users, in name order, each with the
    /// stamp <see cref="CurrentOf"/> gives a change's notice: a client that holds a newer notice
    /// than a read that was under way keeps the notice.
    /// </summary>
    public async Task<IReadOnlyList<ProfileView>> Of(IReadOnlyCollection<UserName> names)
    {
        await using var cmd = db.CreateCommand("""
            SELECT u.name, u.display_name, a.version, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
            FROM users u LEFT JOIN user_avatars a ON a.user_name = u.name
            WHERE u.name = ANY($1) ORDER BY u.name
            """);
        cmd.Parameters.AddWithValue(names.Select(name => name.Value).ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        var profiles = new List<ProfileView>();
        while (await reader.ReadAsync())
        {
            var name = reader.GetString(0);
            profiles.Add(new ProfileView(name, reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : Profiles.UserAvatars.Address(name, reader.GetString(2)), reader.GetInt64(3)));
        }
        return profiles;
    }

    /// <summary>
    /// The user's profile now (null for no such user), with the database's clock when it was read,
    /// in microseconds: of two reads, the one with the larger stamp saw the newer profile, whichever
    /// gateway made it, since all of them read one clock.
    /// </summary>
    public async Task<(ProfileView? Profile, long Stamp)> CurrentOf(UserName user)
    {
        await using var cmd = db.CreateCommand("""
            SELECT u.display_name, a.version, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
            FROM users u LEFT JOIN user_avatars a ON a.user_name = u.name
            WHERE u.name = $1
            """);
        cmd.Parameters.AddWithValue(user.Value);
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return (null, 0);
        }
        var profile = new ProfileView(user.Value, reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : Profiles.UserAvatars.Address(user.Value, reader.GetString(1)));
        return (profile, reader.GetInt64(2));
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
