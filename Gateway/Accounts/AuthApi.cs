using ChatApp.Errors;
using ChatApp.Gateway.Cluster;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Limits;
using ChatApp.Users;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// Accounts over HTTP: register and login (the only calls that need no token), logout, and
/// password change. Login and register are limited per client address; failed logins per name and
/// address, and per address (<see cref="AbuseLimits"/>).
/// </summary>
public static class AuthApi
{
    /// <summary>
    /// Guessing passwords or minting accounts from one address is slowed, whatever the names tried:
    /// each call counts against the address's <see cref="LimitOptions.AuthCallsPerAddressPerMinute"/>
    /// before it runs, and past it is answered 429 with how long to wait. The bucket is the
    /// gateway's own (<see cref="AbuseLimits"/>), not ASP.NET Core's rate-limiting middleware, whose
    /// limiter is never disposed: its timer kept every stopped gateway of a test run alive.
    /// </summary>
    public static RouteHandlerBuilder CountedPerAddress(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            http.RequestServices.GetRequiredService<AbuseLimits>().TakeAuthCall(ClientAddress(http));
            return await next(context);
        });

    public sealed record Credentials(string? Username, string? Password);

    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    public sealed record SignedIn(string Token, UserView User);

    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/auth");
        group.MapPost("/register", Register).CountedPerAddress();
        group.MapPost("/login", Login).CountedPerAddress();
        group.MapPost("/logout", Logout).RequireAuthorization();
        group.MapPost("/password", ChangePassword).RequireAuthorization();
        group.MapDevices();
        return group;
    }

    private static async Task<IResult> Register(Credentials body, HttpContext http, UserAccounts accounts, TokenService tokens, SignedInDevices devices, IOptions<AuthOptions> options)
    {
        if (!UserName.TryParse(body.Username, out var name))
        {
            return ChatProblems.Problem(ErrorCodes.Validation, UserName.Rule);
        }
        if (SystemAccounts.IsReserved(name))
        {
            return ChatProblems.Problem(ErrorCodes.Validation, $"User names starting with '{SystemAccounts.Prefix}' are kept for the servers' own accounts.");
        }
        if (!IsPassword(body.Password))
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "A password is 8 to 128 characters.");
        }
        var account = await accounts.Register(name, body.Password!);
        return account is null
            ? ChatProblems.Problem(ErrorCodes.Conflict, "That username is taken.")
            : TypedResults.Created("/api/me", new SignedIn(await DevicesApi.StartDevice(http, account, devices, tokens, options.Value), account.User));
    }

    private static async Task<IResult> Login(Credentials body, HttpContext http, UserAccounts accounts, TokenService tokens, AbuseLimits limits, SignedInDevices devices, IOptions<AuthOptions> options)
    {
        if (!UserName.TryParse(body.Username, out var name) || body.Password is not { Length: <= 128 } password)
        {
            return ChatProblems.Problem(ErrorCodes.Unauthorized, "Wrong username or password.");
        }
        var address = ClientAddress(http);
        limits.CheckLogin(name, address);
        var account = await accounts.Verify(name, password);
        if (account is null)
        {
            limits.RecordLoginFailure(name, address);
            return ChatProblems.Problem(ErrorCodes.Unauthorized, "Wrong username or password.");
        }
        limits.RecordLoginSuccess(name, address);
        return TypedResults.Ok(new SignedIn(await DevicesApi.StartDevice(http, account, devices, tokens, options.Value), account.User));
    }

    /// <summary>Revokes every token of the caller and closes the caller's sockets on every gateway.</summary>
    private static async Task<IResult> Logout(HttpContext http, UserAccounts accounts, SocketIndex sockets, IClusterClient cluster, SignedInDevices devices)
    {
        var user = http.User();
        // Devices first: no refresh cookie may mint a token of the new version once it exists.
        await devices.EndAll(user.Name, "signed out everywhere");
        RefreshCookie.Clear(http);
        var version = await accounts.RevokeTokens(user.Name);
        await CloseEverywhere(user.Name, version, sockets, cluster);
        return TypedResults.NoContent();
    }

    /// <summary>Sets a new password; older tokens stop working and a fresh one is returned.</summary>
    private static async Task<IResult> ChangePassword(PasswordChange body, HttpContext http, UserAccounts accounts, TokenService tokens, AbuseLimits limits, SocketIndex sockets, IClusterClient cluster, SignedInDevices devices, IOptions<AuthOptions> options)
    {
        var user = http.User();
        if (!IsPassword(body.NewPassword))
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "A password is 8 to 128 characters.");
        }
        // Not the login bucket: a guesser without the token cannot fill this one, so cannot block the owner here.
        limits.CheckPasswordChange(user.Name);
        if (body.CurrentPassword is not { Length: <= 128 } current || await accounts.Verify(user.Name, current) is null)
        {
            limits.RecordPasswordChangeFailure(user.Name);
            return ChatProblems.Problem(ErrorCodes.Forbidden, "The current password is wrong.");
        }
        await devices.EndAll(user.Name, "password changed");
        var version = await accounts.ChangePassword(user.Name, body.NewPassword!);
        await CloseEverywhere(user.Name, version, sockets, cluster);
        // This device stays signed in, as a new device: every other one signs in again.
        var account = new UserAccounts.Account(user, version);
        return TypedResults.Ok(new SignedIn(await DevicesApi.StartDevice(http, account, devices, tokens, options.Value), user));
    }

    /// <summary>
    /// Closes the user's sockets here at once, and through the user's session on the other
    /// gateways that hold some. The tokens are revoked by then, so none of them can come back.
    /// </summary>
    private static async Task CloseEverywhere(string user, int tokenVersion, SocketIndex sockets, IClusterClient cluster)
    {
        await sockets.CloseUserAsync(user, tokenVersion);
        await cluster.GetGrain<IUserSessionGrain>(user).SignOut(tokenVersion);
    }

    /// <summary>
    /// The client's address as the per-address limits count it (behind a proxy, as forwarded:
    /// docs/deploy.md). An IPv6 client counts by its /64, the block one subscriber usually holds
    /// whole: counted by full address, one guesser would be 2^64 clients.
    /// </summary>
    public static string ClientAddress(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new System.Net.IPAddress(bytes)}/64";
    }

    private static bool IsPassword(string? password) => password is { Length: >= 8 and <= 128 };
}
