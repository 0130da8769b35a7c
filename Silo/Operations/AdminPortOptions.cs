using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;

namespace ChatApp.Silo.Operations;

/// <summary>
/// The silo's admin HTTP listener (dashboard, /metrics, /healthz, /readyz), from the "Dashboard"
/// section: Dashboard__Port=8081, Dashboard__Host=0.0.0.0, Dashboard__Username / Dashboard__Password.
/// On loopback (the default) it needs no credentials; bound elsewhere, only requests with the basic-auth
/// credentials (or, without any, only local ones) see the dashboard and metrics. Health is always open.
/// </summary>
public sealed class AdminPortOptions : IValidatableObject
{
    public const string Section = "Dashboard";
    public const int DefaultPort = 8080;
    public const string DefaultHost = "127.0.0.1";

    /// <summary>0 lets the system choose (the tests do).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = DefaultPort;

    /// <summary>An IP address, <c>localhost</c>, or <c>0.0.0.0</c>, <c>::</c> or <c>*</c> for every interface; empty means the default.</summary>
    public string Host { get; set => field = string.IsNullOrEmpty(value) ? DefaultHost : value; } = DefaultHost;

    /// <summary>Basic-auth user name; empty means none.</summary>
    public string? Username { get; set => field = string.IsNullOrEmpty(value) ? null : value; }

    /// <summary>Basic-auth password; empty means none. Compared, never logged.</summary>
    public string? Password { get; set => field = string.IsNullOrEmpty(value) ? null : value; }

    public bool HasCredentials => Username is not null && Password is not null;

    /// <summary>Every interface of the machine.</summary>
    public bool IsAnyAddress => Host is "*" or "0.0.0.0" or "::";

    /// <summary>True when only this machine can reach the listener.</summary>
    public bool IsLoopbackOnly => Host == "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>The URL an operator on this machine would open.</summary>
    public string Url(int port) =>
        $"http://{(IsLoopbackOnly ? Host : "127.0.0.1")}:{port.ToString(CultureInfo.InvariantCulture)}/";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsAnyAddress && Host != "localhost" && !IPAddress.TryParse(Host, out _))
        {
            yield return new ValidationResult($"{Section}:Host is an IP address, localhost, 0.0.0.0, :: or *, not '{Host}'.", [nameof(Host)]);
        }
    }
}
