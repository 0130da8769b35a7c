using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Users;

namespace ChatApp.Gateway.Http;

/// <summary>
/// <c>/api/users</c>: other users' profiles, for anyone signed in. The page asks for the names it
/// shows (senders, members, mentions) in one read of up to 100, rather than each room carrying its
/// members' profiles: a room's member list lives in its grain's memory, and a profile there would
/// be one more copy to keep fresh in every room its owner is in.
/// </summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/users").RequireAuthorization();
        group.MapGet("/", GetProfiles);
        group.MapGet("/{name}", GetProfile);
        return group;
    }

    /// <summary><c>?name=a&amp;name=b</c>: the profiles of those that are users; other names are left out.</summary>
    private static async Task<IResult> GetProfiles(HttpContext http, UserProfiles profiles)
    {
        var asked = http.Request.Query["name"];
        if (asked.Count > UserProfiles.MaxNamesPerRead)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, $"At most {UserProfiles.MaxNamesPerRead} names at once.");
        }
        var names = new HashSet<UserName>();
        foreach (var name in asked)
        {
            if (UserName.TryParse(name, out var user))
            {
                names.Add(user);
            }
        }
        return TypedResults.Ok(names.Count == 0 ? [] : await profiles.Of(names));
    }

    private static async Task<IResult> GetProfile(string name, UserProfiles profiles) =>
        (await profiles.Of([RouteKeys.User(name)])).SingleOrDefault() is { } profile
            ? TypedResults.Ok(profile)
            : ChatProblems.Problem(ErrorCodes.NotFound, "No such user.");
}
