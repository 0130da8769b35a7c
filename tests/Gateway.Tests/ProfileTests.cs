using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// Profiles over HTTP: a user sets their own display name with <c>PATCH /api/me</c>, and anyone
/// signed in reads it through <c>/api/users</c>; names that could disguise themselves are refused.
/// </summary>
public sealed class ProfileTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    public sealed record ProfileView(string Name, string? DisplayName, string? Avatar);

    public sealed record UserView(long Id, string Name, string? DisplayName);

    public sealed record Me(UserView User);

    private static Task<HttpResponseMessage> SetDisplayName(HttpClient http, object? displayName) =>
        http.PatchAsJsonAsync("/api/me", new { displayName });

    private static Task<HttpResponseMessage> PatchRaw(HttpClient http, string json) =>
        http.PatchAsync("/api/me", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_user_sets_a_trimmed_display_name_that_another_signed_in_user_reads()
    {
        var (alice, aliceToken) = await System.RegisterAsync("alice");
        var (bob, bobToken) = await System.RegisterAsync("bob");
        using var aliceHttp = System.Http(aliceToken);
        using var bobHttp = System.Http(bobToken);

        var set = await SetDisplayName(aliceHttp, "  Alice Liddell 🐇  ");

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var me = (await set.ReadAsync<Me>()).User;
        Assert.Equal((alice, "Alice Liddell 🐇"), (me.Name, me.DisplayName));
        Assert.Equal("Alice Liddell 🐇", (await aliceHttp.GetFromJsonAsync<Me>("/api/me"))!.User.DisplayName);
        Assert.Equal(new ProfileView(alice, "Alice Liddell 🐇", null), await bobHttp.GetFromJsonAsync<ProfileView>($"/api/users/{alice}"));
        // Several at once, as the page asks: names that are no user are left out.
        var many = await bobHttp.GetFromJsonAsync<List<ProfileView>>($"/api/users?name={alice}&name={bob}&name={Fresh.User("nobody")}&name=NOT%20A%20NAME");
        Assert.Equal([new ProfileView(alice, "Alice Liddell 🐇", null), new ProfileView(bob, null, null)], many!.OrderBy(p => p.Name != alice));
        await HttpSteps.AssertProblemAsync(await bobHttp.GetAsync($"/api/users/{Fresh.User("nobody")}"), HttpStatusCode.NotFound, "not_found");

        // Blank clears it: the user name is shown again.
        Assert.Equal(HttpStatusCode.OK, (await SetDisplayName(aliceHttp, "   ")).StatusCode);
        Assert.Null((await bobHttp.GetFromJsonAsync<ProfileView>($"/api/users/{alice}"))!.DisplayName);
    }

    [Fact]
    public async Task Display_names_that_could_disguise_themselves_are_refused_and_the_old_one_stays()
    {
        var (alice, token) = await System.RegisterAsync("alice");
        using var http = System.Http(token);
        Assert.Equal(HttpStatusCode.OK, (await SetDisplayName(http, "Alice")).StatusCode);

        string[] refused =
        [
            "bell\u0007",                 // a control character
            "two\nlines",                 // a line break
            "C1\u0085control",            // a C1 control (next line)
            "\u202Eecila",                // a right-to-left override
            "iso\u2066late\u2069",        // a bidirectional isolate
            "para\u2029graph",            // a paragraph separator
            new string('x', 65),          // one character too many
            string.Concat(Enumerable.Repeat("🐇", 65)),
        ];
        foreach (var name in refused)
        {
            await HttpSteps.AssertProblemAsync(await SetDisplayName(http, name), HttpStatusCode.BadRequest, "validation");
        }
        await HttpSteps.AssertProblemAsync(await PatchRaw(http, """{"displayName":"lone \ud800 surrogate"}"""), HttpStatusCode.BadRequest, "validation");
        await HttpSteps.AssertProblemAsync(await PatchRaw(http, """{"displayName":42}"""), HttpStatusCode.BadRequest, "validation");
        await HttpSteps.AssertProblemAsync(await PatchRaw(http, "[]"), HttpStatusCode.BadRequest, "validation");

        Assert.Equal("Alice", (await http.GetFromJsonAsync<ProfileView>($"/api/users/{alice}"))!.DisplayName);
        // At the bound: 64 characters, each four bytes of UTF-8.
        var longest = string.Concat(Enumerable.Repeat("🐇", 64));
        Assert.Equal(HttpStatusCode.OK, (await SetDisplayName(http, longest)).StatusCode);
        Assert.Equal(longest, (await http.GetFromJsonAsync<ProfileView>($"/api/users/{alice}"))!.DisplayName);
    }

    [Fact]
    public async Task Only_the_signed_in_user_changes_their_own_display_name()
    {
        var (alice, aliceToken) = await System.RegisterAsync("alice");
        var (mallory, malloryToken) = await System.RegisterAsync("mallory");
        using var aliceHttp = System.Http(aliceToken);
        using var malloryHttp = System.Http(malloryToken);
        using var anonymous = System.Http();
        Assert.Equal(HttpStatusCode.OK, (await SetDisplayName(aliceHttp, "Alice")).StatusCode);

        // A name in the body is no way to act for someone else: the token's user is changed.
        var named = await malloryHttp.PatchAsJsonAsync("/api/me", new { name = alice, user = alice, displayName = "Alice (real)" });
        Assert.Equal(mallory, (await named.ReadAsync<Me>()).User.Name);
        // Nor is another user's address, nor no token at all.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await malloryHttp.PatchAsJsonAsync($"/api/users/{alice}", new { displayName = "pwned" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PatchAsJsonAsync("/api/me", new { displayName = "pwned" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/users/{alice}")).StatusCode);

        Assert.Equal("Alice", (await malloryHttp.GetFromJsonAsync<ProfileView>($"/api/users/{alice}"))!.DisplayName);
        Assert.Equal("Alice (real)", (await aliceHttp.GetFromJsonAsync<ProfileView>($"/api/users/{mallory}"))!.DisplayName);
    }

    [Fact]
    public async Task A_read_of_more_than_a_hundred_names_at_once_is_refused()
    {
        var (_, token) = await System.RegisterAsync("reader");
        using var http = System.Http(token);

        var names = string.Join('&', Enumerable.Range(0, 101).Select(i => $"name=user{i:000}"));

        await HttpSteps.AssertProblemAsync(await http.GetAsync($"/api/users?{names}"), HttpStatusCode.BadRequest, "validation");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/users?{names[..names.LastIndexOf('&')]}")).StatusCode);
    }
}
