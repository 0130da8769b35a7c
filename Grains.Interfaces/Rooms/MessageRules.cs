using System.Text;
using ChatApp.Errors;

namespace ChatApp.Rooms;

/// <summary>The contract's limits on what a message may hold, checked wherever one enters.</summary>
public static class MessageRules
{
    public const int MaxTextLength = 4000;

    /// <summary>
    /// The bound on the text as sent, in UTF-8 bytes, before any trimming: whitespace is not
    /// counted as characters, so without it "x" and five million spaces would pass the rule above.
    /// 4,000 characters of four bytes each fit; sql/0011 holds the database to the same bound.
    /// </summary>
    public const int MaxTextBytes = 16 * 1024;
    public const int MaxClientMsgIdLength = 64;

    /// <summary>
    /// Text counts in Unicode characters after trimming, but is kept exactly as sent, so its size
    /// is measured first, as sent. Counting stops past the bound: a huge text costs no more to refuse.
    /// </summary>
    public static void CheckText(string? text)
    {
        if (text is not null && (text.Length > MaxTextBytes || Encoding.UTF8.GetByteCount(text) > MaxTextBytes))
        {
            throw new ChatException(ErrorCodes.Validation, $"Message text must be at most {MaxTextBytes} bytes of UTF-8.");
        }
        var length = text?.Trim().EnumerateRunes().Count() ?? 0;
        if (length is < 1 or > MaxTextLength)
        {
            throw new ChatException(ErrorCodes.Validation, $"Message text must be 1 to {MaxTextLength} characters.");
        }
        CheckNoNul(text!, "Message text");
    }

    /// <summary>
    /// A new message's text: as <see cref="CheckText"/>, except that a message carrying files may
    /// have none at all (an empty string), as a picture sent without a word.
    /// </summary>
    public static void CheckMessageText(string? text, bool hasAttachments)
    {
        if (hasAttachments && text is "")
        {
            return;
        }
        CheckText(text);
    }

    /// <summary>
    /// PostgreSQL text cannot hold U+0000, so a string with one could never be stored exactly as
    /// sent: it is refused up front instead of failing in the database.
    /// </summary>
    public static void CheckNoNul(string text, string what)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ChatException(ErrorCodes.Validation, $"{what} may not contain the character U+0000.");
        }
    }

    public static void CheckClientMsgId(string? clientMsgId)
    {
        if (string.IsNullOrEmpty(clientMsgId) || clientMsgId.Length > MaxClientMsgIdLength)
        {
            throw new ChatException(ErrorCodes.Validation, $"clientMsgId must be 1 to {MaxClientMsgIdLength} characters.");
        }
        CheckNoNul(clientMsgId, "clientMsgId");
    }
}
