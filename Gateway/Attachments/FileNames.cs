using System.Globalization;
using System.Text;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// A name given with an upload, made safe to show and to hand back in Content-Disposition: only its
/// last path segment (<c>../../etc/passwd</c> is <c>passwd</c>), without control or format
/// characters (no line breaks for a header, no right-to-left override to disguise an extension),
/// quotes or backslashes, trimmed of dots and spaces, at most <see cref="MaxLength"/> characters.
/// The name is only ever a label: files are stored and found by id, never by name.
/// </summary>
public static class FileNames
{
    public const int MaxLength = 200;
    public const string Fallback = "file";

    public static string Sanitize(string? given)
    {
        var name = given ?? "";
        var slash = name.LastIndexOfAny(['/', '\\']);
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }
        var kept = new StringBuilder(Math.Min(name.Length, MaxLength));
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator
                || rune.Value is '"' or '\\' or ':' or '*' or '?' or '<' or '>' or '|')
            {
                continue;
            }
            if (kept.Length + rune.Utf16SequenceLength > MaxLength)
            {
                break;
            }
            kept.Append(rune.ToString());
        }
        var trimmed = kept.ToString().Trim().Trim('.').Trim();
        return trimmed.Length == 0 ? Fallback : trimmed;
    }
}
