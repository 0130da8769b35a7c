namespace ChatApp.Gateway.Accounts;

/// <summary>
/// The refresh token's cookie, and the guard on the one call that reads it. The cookie is HttpOnly
/// (no script on the page, nor one injected into it, can read it), sent only to <c>/api/auth</c>,
/// Secure whenever the request came over TLS, and SameSite=Strict: the page's own fetches are
/// same-site, and nothing else needs it (an invite link opened from mail loads the page, whose own
/// fetch of /api/auth/refresh is same-site again), so Lax would only add cross-site top-level
/// navigations, which no refresh should ever come from.
/// </summary>
public static class RefreshCookie
{
    public const string Name = "chatapp_refresh";

    public const string Path = "/api/auth";

    /// <summary>
    /// The header a refresh must carry. A cross-site page cannot add a custom header to a request
    /// without a CORS preflight, which this gateway never grants, so a form post or a plain fetch
    /// from another site is refused even by a browser that ignored SameSite.
    /// </summary>
    public const string Header = "X-ChatApp-Refresh";

    /// <summary>
    /// A hint the page can read, holding nothing secret ("1"): that a refresh cookie was set. The page
    /// asks for a refresh at load only when it is there, so a browser never signed in makes no call
    /// that must fail (and no 401 in its console).
    /// </summary>
    public const string HintName = "chatapp_session";

    public static void Set(HttpContext http, string token, TimeSpan lifetime)
    {
        http.Response.Cookies.Append(Name, token, Options(http, lifetime));
        http.Response.Cookies.Append(HintName, "1", HintOptions(http, lifetime));
    }

    public static void Clear(HttpContext http)
    {
        http.Response.Cookies.Delete(Name, Options(http, TimeSpan.Zero));
        http.Response.Cookies.Delete(HintName, HintOptions(http, TimeSpan.Zero));
    }

    public static string? Read(HttpContext http) =>
        http.Request.Cookies.TryGetValue(Name, out var token) && token is { Length: > 0 and <= 256 } ? token : null;

    /// <summary>
    /// Whether the request could only have come from the page itself: it carries the custom header,
    /// and an Origin, when there is one (browsers always send one on a POST), that is this gateway's own.
    /// </summary>
    public static bool IsFromOwnPage(HttpContext http) =>
        http.Request.Headers[Header] is [{ Length: > 0 }]
        && (http.Request.Headers.Origin is not [{ } origin]
            || string.Equals(origin, $"{http.Request.Scheme}://{http.Request.Host}", StringComparison.OrdinalIgnoreCase));

    private static CookieOptions Options(HttpContext http, TimeSpan lifetime) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = Path,
        MaxAge = lifetime > TimeSpan.Zero ? lifetime : null,
        IsEssential = true,
    };

    private static CookieOptions HintOptions(HttpContext http, TimeSpan lifetime) => new(Options(http, lifetime))
    {
        HttpOnly = false,
        Path = "/",
    };
}
