using System.Net;
using System.Security.Cryptography;
using System.Text;
using ChatApp.Defaults;
using Microsoft.AspNetCore.Http;

namespace ChatApp.Silo.Operations;

/// <summary>
/// Who may see the admin port's dashboard and metrics: with credentials configured, whoever
/// presents them (HTTP basic auth); without, only clients on this machine. /healthz and /readyz
/// stay open to all, since probes carry no credentials and the answers reveal nothing.
/// The Authorization header is compared, never logged.
/// </summary>
public sealed class AdminGate(RequestDelegate next, AdminPortOptions settings)
{
    private readonly byte[]? _expected = settings.HasCredentials ? Digest($"{settings.Username}:{settings.Password}") : null;

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.Equals(HealthAndMetrics.LivePath, StringComparison.OrdinalIgnoreCase) || path.Equals(HealthAndMetrics.ReadyPath, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }
        if (_expected is null)
        {
            if (context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote))
            {
                return next(context);
            }
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("Set Dashboard:Username and Dashboard:Password to reach the dashboard from another machine.\n");
        }
        if (Presented(context.Request.Headers.Authorization.ToString()) is { } presented
            && CryptographicOperations.FixedTimeEquals(Digest(presented), _expected))
        {
            return next(context);
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"ChatApp silo admin\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    /// <summary>"user:password" from a basic Authorization header, or null.</summary>
    private static string? Presented(string header)
    {
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(header[scheme.Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // Comparing digests keeps the comparison's time independent of where, or whether, the lengths differ.
    private static byte[] Digest(string credentials) => SHA256.HashData(Encoding.UTF8.GetBytes(credentials));
}
