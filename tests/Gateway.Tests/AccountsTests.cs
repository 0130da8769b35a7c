using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>Registering, signing in, and the bearer token every other /api call needs.</summary>
public sealed class AccountsTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task Register_answers_201_with_a_token_and_the_user()
    {
        using var http = System.Http();
        var name = Fresh.User("acct");

        var response = await http.PostAsJsonAsync("/api/auth/register", new { username = name, password = Accounts.Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadAsync<SignedIn>();
        Assert.False(string.IsNullOrEmpty(body.Token));
        Assert.Equal(name, body.User.Name);
        Assert.True(body.User.Id > 0);
    }

    [Fact]
    public async Task Register_lower_cases_the_name()
    {
        using var http = System.Http();
        var name = Fresh.User("acct");

        var response = await http.PostAsJsonAsync("/api/auth/register", new { username = name.Value.ToUpperInvariant(), password = Accounts.Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(name, (await response.ReadAsync<SignedIn>()).User.Name);
    }

    [Fact]
    public async Task Register_of_a_taken_name_is_a_409_conflict_whatever_its_case()
    {
        using var http = System.Http();
        var name = Fresh.User("acct");
        var first = await http.PostAsJsonAsync("/api/auth/register", new { username = name, password = Accounts.Password });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        var again = await http.PostAsJsonAsync("/api/auth/register", new { username = name, password = "another password" });
        var shouted = await http.PostAsJsonAsync("/api/auth/register", new { username = name.Value.ToUpperInvariant(), password = "another password" });

        await HttpSteps.AssertProblemAsync(again, HttpStatusCode.Conflict, "conflict");
        await HttpSteps.AssertProblemAsync(shouted, HttpStatusCode.Conflict, "conflict");
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("-starts-with-dash")]
    [InlineData("has space")]
    [InlineData("emoji😀name")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    [InlineData("")]
    public async Task Register_refuses_an_invalid_name_with_400_validation(string username)
    {
        using var http = System.Http();

        var response = await http.PostAsJsonAsync("/api/auth/register", new { username, password = Accounts.Password });

        await HttpSteps.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(129)]
    public async Task Register_refuses_a_password_outside_8_to_128_characters_with_400_validation(int length)
    {
        using var http = System.Http();

        var response = await http.PostAsJsonAsync("/api/auth/register", new { username = Fresh.User("acct"), password = new string('p', length) });

        await HttpSteps.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(128)]
    public async Task Register_accepts_a_password_of_8_or_128_characters(int length)
    {
        using var http = System.Http();

        var response = await http.PostAsJsonAsync("/api/auth/register", new { username = Fresh.User("acct"), password = new string('p', length) });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Login_with_the_right_password_returns_a_token_that_works()
    {
        var (name, _) = await System.RegisterAsync("login");
        using var http = System.Http();

        var response = await http.PostAsJsonAsync("/api/auth/login", new { username = name, password = Accounts.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadAsync<SignedIn>();
        Assert.Equal(name, body.User.Name);
        using var signedIn = System.Http(body.Token);
        var me = await signedIn.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(name, (await me.ReadAsync<Me>()).User.Name);
    }

    [Theory]
    [InlineData(PasswordHasherCompatibilityMode.IdentityV3, 100_000)]
    [InlineData(PasswordHasherCompatibilityMode.IdentityV2, 1)]
    public async Task A_password_stored_with_an_older_weaker_hash_is_rehashed_at_login_and_still_works(PasswordHasherCompatibilityMode format, int iterations)
    {
        var name = Fresh.User("oldhash");
        var old = new PasswordHasher<string>(Options.Create(new PasswordHasherOptions { CompatibilityMode = format, IterationCount = iterations }))
            .HashPassword(name.Value, Accounts.Password);
        await Sql.QueryAsync(System.Database.ConnectionString, "INSERT INTO users (name, password_hash) VALUES ($1, $2)", name, old);
        using var http = System.Http();

        var first = await http.PostAsJsonAsync("/api/auth/login", new { username = name.Value, password = Accounts.Password });
        var stored = await StoredHashAsync(name.Value);
        var second = await http.PostAsJsonAsync("/api/auth/login", new { username = name.Value, password = Accounts.Password });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(old, stored);
        var bytes = Convert.FromBase64String(stored!);
        Assert.Equal(0x01, bytes[0]); // Identity's V3 format
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1))); // HMAC-SHA512
        Assert.Equal(210_000u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
        Assert.Equal(stored, await StoredHashAsync(name.Value));
    }

    [Fact]
    public async Task A_new_account_is_stored_with_the_current_hash_strength()
    {
        var (name, _) = await System.RegisterAsync("newhash");

        var bytes = Convert.FromBase64String((await StoredHashAsync(name))!);

        Assert.Equal(210_000u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
    }

    private Task<string?> StoredHashAsync(string name) =>
        Sql.ScalarAsync<string>(System.Database.ConnectionString, "SELECT password_hash FROM users WHERE name = $1", name);

    [Fact]
    public async Task Login_with_a_wrong_password_or_unknown_name_is_401_unauthorized()
    {
        var (name, _) = await System.RegisterAsync("login");
        using var http = System.Http();

        var wrong = await http.PostAsJsonAsync("/api/auth/login", new { username = name, password = "not the password" });
        var unknown = await http.PostAsJsonAsync("/api/auth/login", new { username = Fresh.User("acct"), password = Accounts.Password });

        await HttpSteps.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "unauthorized");
        await HttpSteps.AssertProblemAsync(unknown, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("/api/me")]
    [InlineData("/api/rooms")]
    public async Task Api_calls_without_a_token_are_401_problems(string path)
    {
        using var http = System.Http();

        var response = await http.GetAsync(path);

        await HttpSteps.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("/api/me")]
    [InlineData("/api/rooms")]
    public async Task Api_calls_with_a_forged_token_are_401_problems(string path)
    {
        var (_, token) = await System.RegisterAsync("forger");
        using var http = System.Http(Tokens.WithTamperedPayload(token, "someone-else"));

        var response = await http.GetAsync(path);

        await HttpSteps.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_valid_token_rewritten_to_alg_none_or_signed_with_another_key_is_a_401()
    {
        var (_, token) = await System.RegisterAsync("forger");
        using var genuine = System.Http(token);
        using var unsigned = System.Http(Tokens.WithAlgorithmNone(token));
        using var otherKey = System.Http(Tokens.SignedWithAnotherKey(token));

        Assert.Equal(HttpStatusCode.OK, (await genuine.GetAsync("/api/me")).StatusCode);
        await HttpSteps.AssertProblemAsync(await unsigned.GetAsync("/api/me"), HttpStatusCode.Unauthorized, "unauthorized");
        await HttpSteps.AssertProblemAsync(await otherKey.GetAsync("/api/me"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Me_shows_the_user_and_the_rooms_they_joined()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        using var http = System.Http(alice.Token);

        var me = await http.GetFromJsonAsync<Me>("/api/me");

        Assert.Equal(alice.User, me!.User.Name);
        Assert.Equal([room], me.Rooms.Select(r => r.Id));
    }
}
