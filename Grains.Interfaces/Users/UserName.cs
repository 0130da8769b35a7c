using System.Text.RegularExpressions;

namespace ChatApp.Users;

/// <summary>The rule for user names: lower-cased, then checked.</summary>
public static partial class UserName
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{2,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static string Normalize(string name) => name.Trim().ToLowerInvariant();

    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? normalized) => normalized is not null && Pattern().IsMatch(normalized);
}
