using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ChatApp.Defaults;

/// <summary>
/// One console line per log event, with its scopes: <c>Logging:Format</c> = <c>simple</c> (the
/// default, for people) or <c>json</c> (for a log shipper). Timestamps are UTC; a timestamp format
/// set in configuration (Logging:Console:FormatterOptions:TimestampFormat) is kept. The silo and
/// the gateway both log this way.
/// </summary>
public static class ConsoleLogFormat
{
    public const string Setting = "Logging:Format";

    public static ILoggingBuilder AddChatConsole(this ILoggingBuilder logging, IConfiguration config)
    {
        var format = config[Setting] is { Length: > 0 } value ? value : "simple";
        if (format.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            return logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        if (format.Equals("simple", StringComparison.OrdinalIgnoreCase))
        {
            return logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        throw new InvalidOperationException($"{Setting} is 'simple' or 'json', not '{format}'.");
    }
}
