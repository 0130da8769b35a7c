using ChatApp.Defaults;
using ChatApp.Errors;
using ChatApp.Gateway.Contract;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Accounts;

public static class AuthSetup
{
    /// <summary>
    /// Accounts, and bearer authentication on the same keys the WebSocket <c>hello</c> is checked with.
    /// (The limit on login, register and refresh calls per client address is <see cref="AuthApi.CountedPerAddress"/>.)
    /// </summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddValidatedOptions<AuthOptions>(AuthOptions.Section);
        services.AddSingleton<TokenService>();
        services.AddSingleton<UserAccounts>();
        services.AddSingleton<SystemAccounts>();
        services.AddSingleton<UserProfiles>();
        services.AddSingleton<SignedInDevices>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenService>((o, tokens) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = tokens.ValidationParameters;
                o.Events = new JwtBearerEvents
                {
                    // A signature proves who issued the token, not that its user still stands behind it.
                    OnTokenValidated = async context =>
                    {
                        var tokens = context.HttpContext.RequestServices.GetRequiredService<TokenService>();
                        if (!await tokens.IsCurrent(context.Principal?.Identity as System.Security.Claims.ClaimsIdentity))
                        {
                            context.Fail("The token was revoked.");
                        }
                    },
                    // A missing or bad token answers with the contract's problem, not an empty 401.
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        await ChatProblems.Problem(ErrorCodes.Unauthorized, "A valid bearer token is required.")
                            .ExecuteAsync(context.HttpContext);
                    },
                };
            });
        services.AddAuthorization();
        return services;
    }

    /// <summary>The signed-in user of an authorized request.</summary>
    public static UserView User(this HttpContext context) =>
        TokenService.UserOf(context.User.Identity as System.Security.Claims.ClaimsIdentity)
            ?? throw new ChatException(ErrorCodes.Unauthorized, "A valid bearer token is required.");
}
