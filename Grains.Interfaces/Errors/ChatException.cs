namespace ChatApp.Errors;

/// <summary>
/// A refusal a client should see, carrying one of the contract's error codes. Grains throw it;
/// Orleans carries it to the gateway, which turns it into a problem detail or an error frame.
/// </summary>
[GenerateSerializer, Alias("ChatApp.ChatException")]
public sealed class ChatException : Exception
{
    public ChatException() { }

    public ChatException(string message) : base(message) { }

    public ChatException(string message, Exception innerException) : base(message, innerException) { }

    public ChatException(string code, string message) : base(message) => Code = code;

    [Id(0)] public string Code { get; init; } = ErrorCodes.Validation;

    /// <summary>For <c>rate_limited</c>: how long to wait before the same request can succeed.</summary>
    [Id(1)] public long? RetryAfterMs { get; init; }

    public static ChatException RateLimited(TimeSpan retryAfter, string message) =>
        new(ErrorCodes.RateLimited, message) { RetryAfterMs = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds)) };
}

/// <summary>The error codes of the contract (docs/protocol.md).</summary>
public static class ErrorCodes
{
    public const string Validation = "validation";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string RateLimited = "rate_limited";
    public const string Unavailable = "unavailable";
    public const string BadRequest = "bad_request";

    /// <summary>A search ran out of its time in the database (Search:StatementTimeout) and was cancelled.</summary>
    public const string Timeout = "timeout";
    /// <summary>An HTTP request body over its endpoint's bound (413).</summary>
    public const string TooLarge = "too_large";
    /// <summary>An upload that would take its uploader or its room past their quota of stored bytes (413).</summary>
    public const string QuotaExceeded = "quota_exceeded";
}
