using ChatApp.Errors;
using ChatApp.Gateway.Contract;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// Staying signed in: <c>POST /api/auth/refresh</c> trades the refresh cookie for a fresh access
/// token and the next cookie; <c>/api/auth/sessions</c> lists the caller's signed-in devices and
/// signs one out. A login is one device (<see cref="SignedInDevices"/>).
/// </summary>
public static class DevicesApi
{
    public sealed record DeviceView(Guid Id, DateTime Created, DateTime LastUsed, string UserAgent, bool Current);

    public static RouteGroupBuilder MapDevices(this RouteGroupBuilder auth)
    {
        auth.MapPost("/refresh", Refresh).CountedPerAddress();
        auth.MapGet("/sessions", List).RequireAuthorization();
        auth.MapDelete("/sessions/{id}", SignOutDevice).RequireAuthorization();
        return auth;
    }

    /// <summary>Starts a device for a login or registration: its cookie is set, and the token returned names it.</summary>
    public static async Task<string> StartDevice(HttpContext http, UserAccounts.Account account, SignedInDevices devices, TokenService tokens, AuthOptions options)
    {
        var (device, refresh) = await devices.Start(account.User.Name, http.Request.Headers.UserAgent.ToString());
        RefreshCookie.Set(http, refresh, options.RefreshAbsoluteLifetime);
        return tokens.Issue(account, device);
    }

    /// <summary>
    /// Uses the refresh cookie once. A cookie used before means two holders of one token: the whole
    /// device is signed out (its access tokens and sockets too), and the caller is told 401 like
    /// any refused refresh.
    /// </summary>
    private static async Task<IResult> Refresh(HttpContext http, SignedInDevices devices, TokenService tokens, IClusterClient cluster, Microsoft.Extensions.Options.IOptions<AuthOptions> options)
    {
        if (!RefreshCookie.IsFromOwnPage(http))
        {
            return ChatProblems.Problem(ErrorCodes.Forbidden, $"A refresh comes from the page itself, with the {RefreshCookie.Header} header.");
        }
        var refreshed = RefreshCookie.Read(http) is { } token ? await devices.Refresh(token) : null;
        if (refreshed is { Reused: true })
        {
            var owner = await devices.OwnerOf(refreshed.Device);
            if (owner is { } name)
            {
                await cluster.Session(name).SignOutDevice(refreshed.Device);
            }
        }
        if (refreshed is not { Account: { } account, NextToken: { } next })
        {
            RefreshCookie.Clear(http);
            return ChatProblems.Problem(ErrorCodes.Unauthorized, "Not signed in on this device any more; sign in again.");
        }
        RefreshCookie.Set(http, next, options.Value.RefreshAbsoluteLifetime);
        return TypedResults.Ok(new AuthApi.SignedIn(tokens.Issue(account, refreshed.Device), account.User));
    }

    private static async Task<IResult> List(HttpContext http, SignedInDevices devices)
    {
        var current = TokenService.DeviceOf(http.User.Identity as System.Security.Claims.ClaimsIdentity);
        var list = await devices.Of(http.User().Name);
        return TypedResults.Ok(list.Select(d => new DeviceView(d.Id, d.Created, d.LastUsed, d.UserAgent, d.Id == current)));
    }

    /// <summary>
    /// Signs one device out: its refresh cookie stops working at once, its access tokens at their
    /// next check (every HTTP call and hello ask the user's session), and its open sockets close.
    /// </summary>
    private static async Task<IResult> SignOutDevice(string id, HttpContext http, SignedInDevices devices, IClusterClient cluster)
    {
        var user = http.User().Name;
        if (!Guid.TryParse(id, out var device) || !await devices.End(user, device, "signed out"))
        {
            return ChatProblems.Problem(ErrorCodes.NotFound, "No such signed-in device.");
        }
        await cluster.Session(user).SignOutDevice(device);
        if (device == TokenService.DeviceOf(http.User.Identity as System.Security.Claims.ClaimsIdentity))
        {
            RefreshCookie.Clear(http);
        }
        return TypedResults.NoContent();
    }
}
