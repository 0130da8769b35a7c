using System.Text;
using ChatApp.Errors;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// The rule for a display name, the name a user is shown by beside their user name. It is shown to
/// everyone who shares a room with its owner, so it must not be able to disguise itself or the page
/// around it: nothing that moves text about (control characters, line breaks, bidirectional
/// overrides and isolates) and nothing that is not text (lone surrogates).
/// </summary>
public static class DisplayNames
{
    /// <summary>Characters (Unicode code points, as PostgreSQL's <c>char_length</c> counts them).</summary>
    public const int MaxLength = 64;

    /// <summary>UTF-8 bytes: 64 code points are at most 256 bytes, so this bound only backs the first.</summary>
    public const int MaxBytes = 256;

    /// <summary>
    /// The display name to store for what was sent: trimmed, and null (none: the user name is shown)
    /// when nothing is left. Anything else that breaks the rule is <c>validation</c>.
    /// </summary>
    public static string? Normalize(string? sent)
    {
        var trimmed = sent?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }
        var length = 0;
        for (var i = 0; i < trimmed.Length; i++)
        {
            if (!Rune.TryGetRuneAt(trimmed, i, out var rune))
            {
                throw Invalid("displayName is not valid Unicode text.");
            }
            if (Hides(rune))
            {
                throw Invalid("displayName may not hold control characters, line breaks or bidirectional overrides.");
            }
            i += rune.Utf16SequenceLength - 1;
            length++;
        }
        if (length > MaxLength || Encoding.UTF8.GetByteCount(trimmed) > MaxBytes)
        {
            throw Invalid($"displayName is at most {MaxLength} characters.");
        }
        return trimmed;
    }

    /// <summary>Control characters (C0, C1, DEL), line and paragraph separators, and the bidirectional embeddings, overrides and isolates.</summary>
    private static bool Hides(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.Control
            or System.Globalization.UnicodeCategory.LineSeparator
            or System.Globalization.UnicodeCategory.ParagraphSeparator
        || rune.Value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069;

    private static ChatException Invalid(string message) => new(ErrorCodes.Validation, message);
}
