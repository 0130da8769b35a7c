using System.Globalization;
using System.Text;
using ChatApp.Errors;

namespace ChatApp.Rooms;

/// <summary>
/// What a reaction may be: one emoji, at most <see cref="MaxEmojiBytes"/> bytes of UTF-8. "One" is
/// one grapheme (a user-perceived character, as Unicode segments text: a flag, a family joined with
/// zero-width joiners, a thumb with its skin tone), and "emoji" means that grapheme is built only of
/// pictographs and the marks that modify them, so that no word, letter or other text gets through.
/// </summary>
public static class ReactionRules
{
    public const int MaxEmojiBytes = 32;

    public static void CheckEmoji(string? emoji)
    {
        if (!IsOneEmoji(emoji))
        {
            throw new ChatException(ErrorCodes.Validation, $"emoji must be one emoji of at most {MaxEmojiBytes} bytes.");
        }
    }

    public static bool IsOneEmoji(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxEmojiBytes || Encoding.UTF8.GetByteCount(text) > MaxEmojiBytes)
        {
            return false;
        }
        if (StringInfo.GetNextTextElementLength(text) != text.Length)
        {
            return false; // more than one grapheme
        }
        var runes = text.EnumerateRunes().Select(r => r.Value).ToList();
        if (runes[^1] == CombiningKeycap)
        {
            // A keycap: a digit, # or * with an optional variation selector, then the enclosing keycap.
            return runes[0] is (>= '0' and <= '9') or '#' or '*' && runes.Skip(1).SkipLast(1).All(r => r == EmojiPresentation);
        }
        var pictographs = runes.Count(IsPictograph);
        var flagLetters = runes.Count(r => r is >= 0x1F1E6 and <= 0x1F1FF);
        return pictographs > 0
            && flagLetters is 0 or 2
            && runes.All(r => IsPictograph(r) || IsModifier(r));
    }

    private const int CombiningKeycap = 0x20E3;
    private const int EmojiPresentation = 0xFE0F;

    /// <summary>
    /// The blocks where emoji live (pictographs, dingbats, the supplementary symbol planes) and the
    /// few emoji outside them. Wider than the emoji list of the day, so that new emoji pass, but
    /// holding no letters, digits or punctuation.
    /// </summary>
    private static bool IsPictograph(int r) => r is
        0x00A9 or 0x00AE or 0x203C or 0x2049 or 0x2122 or 0x2139 or 0x24C2 or 0x3030 or 0x303D or 0x3297 or 0x3299
        or (>= 0x2194 and <= 0x2199) or 0x21A9 or 0x21AA or 0x231A or 0x231B or 0x2328 or 0x23CF
        or (>= 0x23E9 and <= 0x23F3) or (>= 0x23F8 and <= 0x23FA) or 0x25AA or 0x25AB or 0x25B6 or 0x25C0
        or (>= 0x25FB and <= 0x25FE) or (>= 0x2600 and <= 0x27BF) or 0x2934 or 0x2935 or (>= 0x2B05 and <= 0x2B07)
        or 0x2B1B or 0x2B1C or 0x2B50 or 0x2B55 or (>= 0x1F000 and <= 0x1FAFF);

    /// <summary>Marks that change the pictograph before them: presentation selectors, the zero-width joiner, tags (subdivision flags).</summary>
    private static bool IsModifier(int r) => r is 0xFE0E or EmojiPresentation or 0x200D or (>= 0xE0020 and <= 0xE007F);
}
