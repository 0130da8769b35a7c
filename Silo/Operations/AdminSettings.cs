using System.Net;
using Microsoft.Extensions.Configuration;

namespace ChatApp.Silo.Operations;

/// <summary>
/// The silo's admin HTTP listener (dashboard, /metrics, /healthz, /readyz), from the "Dashboard"
/// section: Dashboard__Port=8081, Dashboard__Host=0.0.0.0, Dashboard__Username / Dashboard__Password.
/// On loopback (the default) it needs no credentials; bound elsewhere, only requests with the basic-auth
/// credentials (or, without any, only local ones) see the dashboard and metrics. Health is always open.
/// </summary>
public sealed record AdminSettings(int Port, string Host, string? Username, string? Password)
{
    public const string Section = "Dashboard";
    public const int DefaultPort = 8080;

    public static AdminSettings From(IConfiguration config)
    {
        var section = config.GetSection(Section);
        return new AdminSettings(
            section.GetValue("Port", DefaultPort),
            section["Host"] is { Length: > 0 } host ? host : "127.0.0.1",
            Blank(section["Username"]),
            Blank(section["Password"]));
    }

    public bool HasCredentials => Username is not null && Password is not null;

    /// <summary>True when only this machine can reach the listener.</summary>
    public bool IsLoopbackOnly => Host == "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>The URL an operator on this machine would open.</summary>
    public string Url(int port) =>
        $"http://{(IsLoopbackOnly ? Host : "127.0.0.1")}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/";

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
