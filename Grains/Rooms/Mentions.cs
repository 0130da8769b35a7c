using System.Text.RegularExpressions;

namespace ChatApp.Rooms;

/// <summary>Finds @name mentions in a message: user-name shaped words after an @ that starts a word.</summary>
public static partial class Mentions
{
    [GeneratedRegex(@"(?<![\w@.])@([a-zA-Z0-9][a-zA-Z0-9_.-]{2,31})", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>The distinct names mentioned, lower-cased as user names are; at most 20, so a message cannot page a crowd.</summary>
    public static IEnumerable<string> In(string text) =>
        Pattern().Matches(text).Select(m => m.Groups[1].Value.TrimEnd('.', '-').ToLowerInvariant())
            .Distinct(StringComparer.Ordinal).Take(20);
}
