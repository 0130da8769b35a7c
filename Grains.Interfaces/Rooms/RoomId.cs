using System.Text.RegularExpressions;

namespace ChatApp.Rooms;

/// <summary>The rule for room ids, shared by the gateway (to refuse early) and the grain (to refuse always).</summary>
public static partial class RoomId
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex PublicId();

    /// <summary>Whether a client may name this room: direct-message ids are made only by the server.</summary>
    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id) => id is not null && PublicId().IsMatch(id);
}
