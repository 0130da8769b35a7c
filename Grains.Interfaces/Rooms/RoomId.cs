using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using ChatApp.Errors;
using ChatApp.Users;

namespace ChatApp.Rooms;

/// <summary>
/// A room's id, checked: a room people name (1 to 64 of a-z, 0-9, '_' and '-', starting with a
/// letter or digit), or a direct-message room, <c>dm:{a}:{b}</c> with a &lt; b, which only the
/// server makes (<see cref="DirectRoom"/>). A value of this type was made by <see cref="Parse"/>,
/// <see cref="TryParse"/> or <see cref="DirectRoom.IdOf"/>; it reads as the plain string it wraps.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.RoomId")]
[System.Text.Json.Serialization.JsonConverter(typeof(Json.RoomIdJsonConverter))]
public readonly partial record struct RoomId : IComparable<RoomId>
{
    /// <summary>The rule for the rooms people name, as every refusal states it.</summary>
    public const string Rule = "A room id is 1 to 64 characters: a-z, 0-9, '-' and '_', starting with a letter or digit.";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Named();

    private RoomId(string value) => Value = value;

    [Id(0)] public string Value { get; }

    /// <summary>A direct-message room: made by the server for two users, never joined or created by name.</summary>
    public bool IsDirect => DirectRoom.IsDirect(Value);

    /// <summary>Either kind of room id; nothing else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out RoomId id)
    {
        id = text is not null && (Named().IsMatch(text) || IsDirectId(text)) ? new RoomId(text) : default;
        return id.Value is not null;
    }

    /// <summary>The id, or a <c>validation</c> refusal stating the rule.</summary>
    public static RoomId Parse(string? text) =>
        TryParse(text, out var id) ? id : throw new ChatException(ErrorCodes.Validation, Rule);

    /// <summary>The id of a room people may make or join by name; a direct room's is refused with the rule.</summary>
    public static RoomId ParseNamed(string? text) =>
        TryParse(text, out var id) && !id.IsDirect ? id : throw new ChatException(ErrorCodes.Validation, Rule);

    /// <summary>Whether a client may name this room to make or join it (direct rooms are the server's).</summary>
    public static bool IsValid([NotNullWhen(true)] string? id) => id is not null && Named().IsMatch(id);

    internal static RoomId Direct(UserName one, UserName two) =>
        new(string.CompareOrdinal(one.Value, two.Value) < 0 ? $"{DirectRoom.Prefix}{one}:{two}" : $"{DirectRoom.Prefix}{two}:{one}");

    private static bool IsDirectId(string text) =>
        DirectRoom.IsDirect(text) && text[DirectRoom.Prefix.Length..].Split(':') is [var a, var b]
        && UserName.TryParse(a, out var one) && one.Value == a && UserName.TryParse(b, out var two) && two.Value == b
        && string.CompareOrdinal(a, b) < 0;

    public int CompareTo(RoomId other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value;

    public static implicit operator string(RoomId id) => id.Value;
}
