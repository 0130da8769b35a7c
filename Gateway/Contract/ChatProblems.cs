using ChatApp.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace ChatApp.Gateway.Contract;

/// <summary>
/// Turns every refusal into an RFC 7807 problem with the contract's extra <c>code</c> field,
/// so clients branch on one word instead of parsing text.
/// </summary>
public static class ChatProblems
{
    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.Validation or ErrorCodes.BadRequest => StatusCodes.Status400BadRequest,
        ErrorCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        ErrorCodes.Conflict => StatusCodes.Status409Conflict,
        ErrorCodes.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorCodes.Timeout => StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.TooLarge or ErrorCodes.QuotaExceeded => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    public static IResult Problem(string code, string detail) =>
        TypedResults.Problem(
            statusCode: StatusOf(code),
            detail: detail,
            extensions: new Dictionary<string, object?> { ["code"] = code });

    public static IResult Problem(ChatException error) =>
        TypedResults.Problem(
            statusCode: StatusOf(error.Code),
            detail: error.Message,
            extensions: Extensions(error));

    /// <summary>The contract's extra fields: the code always, and how long to wait when rate limited.</summary>
    private static Dictionary<string, object?> Extensions(ChatException error)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        if (error.RetryAfterMs is { } wait)
        {
            extensions["retryAfterMs"] = wait;
        }
        return extensions;
    }

    /// <summary>What a failure from the cluster means to a client: a refusal it can read, or "try again".</summary>
    public static ChatException ToChatException(Exception ex) => ex switch
    {
        ChatException chat => chat,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge(),
        BadHttpRequestException => new ChatException(ErrorCodes.Validation, "The request could not be read."),
        _ => new ChatException(ErrorCodes.Unavailable, "The chat cluster is unavailable; retry shortly."),
    };

    /// <summary>A request body past its endpoint's bound (Http/BodyLimits.cs).</summary>
    public static ChatException TooLarge() => new(ErrorCodes.TooLarge, "The request body is larger than this endpoint accepts.");

    /// <summary>The exception handler behind every /api endpoint.</summary>
    public sealed class Handler(IProblemDetailsService problems, ILogger<Handler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var chat = ToChatException(exception);
            if (chat.Code == ErrorCodes.Unavailable && exception is not ChatException)
            {
                logger.LogWarning(exception, "Request {Path} failed on the cluster", context.Request.Path.Value);
            }
            context.Response.StatusCode = StatusOf(chat.Code);
            if (chat.RetryAfterMs is { } wait)
            {
                context.Response.Headers.RetryAfter = Math.Ceiling(wait / 1000.0).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            var details = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = StatusOf(chat.Code), Detail = chat.Message };
            foreach (var (key, value) in Extensions(chat))
            {
                details.Extensions[key] = value;
            }
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = details });
        }
    }
}
