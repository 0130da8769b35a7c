using ChatApp.Users;
using Npgsql;

namespace ChatApp.Gateway.Admin;

/// <summary>
/// Who holds the admin role: a row in the <c>admins</c> table, granted by an operator with
/// <c>ChatApp.Silo admin grant NAME</c>. Asked on every admin request (they are rare), so a grant
/// or a revoke holds at once on every gateway.
/// </summary>
public sealed class AdminRole(NpgsqlDataSource db)
{
    public async Task<bool> IsAdmin(UserName user)
    {
        await using var cmd = db.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM admins a JOIN users u ON u.id = a.user_id WHERE u.name = $1)");
        cmd.Parameters.AddWithValue(user.Value);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }
}
