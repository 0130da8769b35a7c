using System.Net.Http.Json;

namespace ChatApp.Tests.Support;

/// <summary>Accounts as the tests make them: one password for every test user, fresh names, and the contract's register and login calls.</summary>
public static class Accounts
{
    /// <summary>The password of every user a test registers without saying otherwise.</summary>
    public const string Password = "correct horse battery";

    /// <summary>Registers a fresh user (its name starts with <paramref name="prefix"/>) and returns its name and token.</summary>
    public static async Task<(string Name, string Token)> RegisterAsync(HttpClient http, string prefix = "user")
    {
        var name = Fresh.User(prefix);
        using var response = await http.PostAsJsonAsync("/api/auth/register", new { username = name, password = Password });
        response.EnsureSuccessStatusCode();
        return (name, (await response.Content.ReadFromJsonAsync<SignedIn>())!.Token);
    }

    /// <summary>Logs in and returns the token.</summary>
    public static async Task<string> LoginAsync(HttpClient http, string name, string password = Password)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { username = name, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SignedIn>())!.Token;
    }

    /// <summary>Registers the named user, or logs in if the name is taken, and returns its token.</summary>
    public static async Task<string> SignInAsync(HttpClient http, string name, string password)
    {
        using var registered = await http.PostAsJsonAsync("/api/auth/register", new { username = name, password });
        if (registered.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            return await LoginAsync(http, name, password);
        }
        registered.EnsureSuccessStatusCode();
        return (await registered.Content.ReadFromJsonAsync<SignedIn>())!.Token;
    }
}

/// <summary>What register, login and a password change answer: a token and the user it speaks for.</summary>
public sealed record SignedIn(string Token, SignedInUser User);

/// <summary>A signed-in user as the contract shows one.</summary>
public sealed record SignedInUser(long Id, string Name);

/// <summary>GET /api/me: the caller and the rooms it belongs to.</summary>
public sealed record Me(SignedInUser User, IReadOnlyList<RoomSummary> Rooms);
