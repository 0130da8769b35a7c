using Npgsql;

namespace ChatApp.Gateway.Http;

/// <summary>
/// Which room an invite link's code belongs to, read from <c>room_invite_links</c> by the code's
/// hash: the code alone is what a link carries. Whether it may still be used is the room grain's
/// decision, taken one call at a time with the use it counts.
/// </summary>
internal static class RoomInviteLinkLookup
{
    public static async Task<string?> RoomOf(NpgsqlDataSource db, byte[] hash)
    {
        await using var cmd = db.CreateCommand("SELECT room FROM room_invite_links WHERE code_hash = $1");
        cmd.Parameters.AddWithValue(hash);
        return await cmd.ExecuteScalarAsync() as string;
    }
}
