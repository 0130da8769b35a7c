using ChatApp.Users;

namespace ChatApp.Gateway.Admin;

/// <summary>Who is an administrator, bound from the "Admin" section: Admin__Users__0=alice, Admin__Users__1=bob.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>User names allowed to see /admin and /api/admin; none by default.</summary>
    public List<string> Users { get; set; } = [];

    public bool IsAdmin(string user) =>
        Users.Exists(admin => string.Equals(UserName.Normalize(admin), user, StringComparison.Ordinal));
}
