using ChatApp.Errors;
using ChatApp.Gateway.Api;
using ChatApp.Users;

namespace ChatApp.Gateway.Accounts;

/// <summary><c>POST /api/auth/register</c> and <c>/login</c>: the only calls that need no token.</summary>
public static class AuthApi
{
    public sealed record Credentials(string? Username, string? Password);

    public sealed record SignedIn(string Token, UserView User);

    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/auth");
        group.MapPost("/register", Register);
        group.MapPost("/login", Login);
        return group;
    }

    private static async Task<IResult> Register(Credentials body, UserAccounts accounts, TokenService tokens)
    {
        var name = UserName.Normalize(body.Username ?? "");
        if (!UserName.IsValid(name))
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "A username is 3 to 32 of a-z, 0-9, '_', '.' and '-', starting with a letter or digit.");
        }
        if (body.Password is not { Length: >= 8 and <= 128 } password)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "A password is 8 to 128 characters.");
        }
        var user = await accounts.Register(name, password);
        return user is null
            ? ChatProblems.Problem(ErrorCodes.Conflict, "That username is taken.")
            : TypedResults.Created("/api/me", new SignedIn(tokens.Issue(user), user));
    }

    private static async Task<IResult> Login(Credentials body, UserAccounts accounts, TokenService tokens)
    {
        var name = UserName.Normalize(body.Username ?? "");
        var user = UserName.IsValid(name) && body.Password is { Length: <= 128 } password
            ? await accounts.Verify(name, password)
            : null;
        return user is null
            ? ChatProblems.Problem(ErrorCodes.Unauthorized, "Wrong username or password.")
            : TypedResults.Ok(new SignedIn(tokens.Issue(user), user));
    }
}
