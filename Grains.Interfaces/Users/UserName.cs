using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using ChatApp.Errors;

namespace ChatApp.Users;

/// <summary>
/// A user's name, checked: lower-cased, then 3 to 32 of a-z, 0-9, '.', '-' and '_', starting with
/// a letter or digit. A value of this type was made by <see cref="Parse"/> or <see cref="TryParse"/>,
/// so a method that takes one need not check it again; it reads as the plain string it wraps.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.UserName")]
[System.Text.Json.Serialization.JsonConverter(typeof(Json.UserNameJsonConverter))]
public readonly partial record struct UserName : IComparable<UserName>
{
    /// <summary>The rule, as every refusal states it.</summary>
    public const string Rule = "A user name is 3 to 32 characters: a-z, 0-9, '.', '-' and '_', starting with a letter or digit.";

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{2,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    private UserName(string value) => Value = value;

    [Id(0)] public string Value { get; }

    /// <summary>What someone typed, as names are compared: trimmed and lower-cased.</summary>
    public static string Normalize(string name) => name.Trim().ToLowerInvariant();

    public static bool TryParse([NotNullWhen(true)] string? text, out UserName name)
    {
        var normalized = text is null ? null : Normalize(text);
        name = normalized is not null && Pattern().IsMatch(normalized) ? new UserName(normalized) : default;
        return name.Value is not null;
    }

    /// <summary>The name, or a <c>validation</c> refusal stating the rule.</summary>
    public static UserName Parse(string? text) =>
        TryParse(text, out var name) ? name : throw new ChatException(ErrorCodes.Validation, Rule);

    public int CompareTo(UserName other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value;

    public static implicit operator string(UserName name) => name.Value;
}
