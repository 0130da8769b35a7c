using ChatApp.Storage;
using Npgsql;

namespace ChatApp.Users;

/// <summary>
/// The signed-in devices of one user that were signed out one by one, as the user's session knows
/// them: read once per activation, then told of each new one by the gateway that ended it (after
/// the row is ended). A token naming an ended device is refused, over HTTP and at hello.
/// </summary>
public sealed class EndedDevices(EndedDeviceRows rows)
{
    private HashSet<Guid>? _ended;

    public async Task<bool> IsEnded(string user, Guid device)
    {
        _ended ??= await rows.Read(user);
        return _ended.Contains(device);
    }

    public void Ended(Guid device) => _ended?.Add(device);

    /// <summary>The ended devices as the session read them when it activated; notices of later ones add to them.</summary>
    public void Read(HashSet<Guid> ended) => _ended = ended;
}

/// <summary>
/// Reads a user's ended devices from <c>auth_sessions</c>. The gateway deletes a device's row once
/// no access token issued to it can still be valid, so the set stays as small as the devices
/// signed out within one token lifetime; a device whose row is gone has no live token to refuse.
/// </summary>
public sealed class EndedDeviceRows(NpgsqlDataSource db)
{
    public Task<HashSet<Guid>> Read(string user) => DatabaseFaults.Guard(async () =>
    {
        await using var cmd = db.CreateCommand("SELECT id FROM auth_sessions WHERE user_name = $1 AND ended_at IS NOT NULL");
        cmd.Parameters.AddWithValue(user);
        var ended = new HashSet<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ended.Add(reader.GetGuid(0));
        }
        return ended;
    });
}
