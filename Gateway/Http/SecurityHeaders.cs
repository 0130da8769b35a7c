namespace ChatApp.Gateway.Http;

/// <summary>
/// Headers that keep the page safe even if some text slipped into HTML: no inline script, no
/// content from elsewhere and no connection to it (<c>connect-src 'self'</c> covers the page's own
/// ws:/wss: origin), no framing, no MIME sniffing, no referrer leaking room ids; and HSTS on
/// every response that went out over TLS (outside Development). Images may also come from blob:
/// URLs: the page fetches attachments with its bearer token and shows them from memory
/// (js/attachments.js), since an img element cannot send the token.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>
    /// Browsers keep to HTTPS for a year after one answer over TLS. ASP.NET Core's UseHsts adds the
    /// header only to HTTPS requests (behind a proxy: as <c>X-Forwarded-Proto</c> says, docs/deploy.md)
    /// and never for localhost, so a developer's browser is not pinned to HTTPS on 127.0.0.1.
    /// </summary>
    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services) =>
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));

    public static IApplicationBuilder UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        return app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
    }
}
