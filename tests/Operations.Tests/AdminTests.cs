using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatApp.Tests.Operations.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>The admin overview: for holders of the admin role only, read-only, and its page under the CSP.</summary>
public sealed class AdminTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task Overview_refuses_a_signed_in_user_who_is_not_an_admin()
    {
        var (_, token) = await System.RegisterAsync("mallory");
        using var http = System.Http(token);

        using var response = await http.GetAsync("/api/admin/overview");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forbidden", (await response.ReadAsync<Problem>()).Code);
    }

    [Fact]
    public async Task The_admin_role_is_granted_and_revoked_by_the_operators_command_not_by_a_name()
    {
        var (name, token) = await System.RegisterAsync("admin");
        using var http = System.Http(token);
        var before = (await http.GetAsync("/api/admin/overview")).StatusCode;

        var granted = await SiloCommand.RunAsync(System.Database.ConnectionString, "admin", "grant", name.ToUpperInvariant());
        var afterGrant = (await http.GetAsync("/api/admin/overview")).StatusCode;
        var listed = await SiloCommand.RunAsync(System.Database.ConnectionString, "admin", "list");
        var revoked = await SiloCommand.RunAsync(System.Database.ConnectionString, "admin", "revoke", name);
        var afterRevoke = (await http.GetAsync("/api/admin/overview")).StatusCode;

        Assert.Equal(HttpStatusCode.Forbidden, before);
        Assert.Equal(0, granted.ExitCode);
        Assert.Equal(HttpStatusCode.OK, afterGrant);
        Assert.Contains(name, listed.Output.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal(HttpStatusCode.Forbidden, afterRevoke);
    }

    [Fact]
    public async Task Granting_the_role_to_a_name_nobody_registered_fails_and_the_name_registered_later_is_no_admin()
    {
        var name = Fresh.User("later").Value;

        var granted = await SiloCommand.RunAsync(System.Database.ConnectionString, "admin", "grant", name);
        var token = await System.SignInAsync(name, Accounts.Password);
        using var http = System.Http(token);

        Assert.Equal(1, granted.ExitCode);
        Assert.Contains("must register first", granted.Errors, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/admin/overview")).StatusCode);
    }

    [Fact]
    public async Task Overview_refuses_a_caller_without_a_token()
    {
        using var http = System.Http();
        using var response = await http.GetAsync("/api/admin/overview");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Overview_lists_rooms_with_their_counts_and_this_gateways_users_for_an_admin()
    {
        var adminToken = await System.SignInAdminAsync(OperationsFixture.AdminName, "admin password 1");
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        await alice.SendAsync(room, "one");
        var last = await bob.SendAsync(room, "two");
        using var http = System.Http(adminToken);

        using var response = await http.GetAsync("/api/admin/overview");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var overview = await response.Content.ReadFromJsonAsync<JsonElement>();
        var listed = overview.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("id").GetString() == room);
        Assert.Equal(2, listed.GetProperty("members").GetInt32());
        Assert.Equal(2, listed.GetProperty("messages").GetInt64());
        Assert.Equal(last, listed.GetProperty("lastSeq").GetInt64());
        Assert.Equal(alice.User, listed.GetProperty("owner").GetString());
        Assert.True(listed.GetProperty("lastActivity").GetDateTime() > DateTime.UtcNow.AddMinutes(-5));
        var gateway = overview.GetProperty("gateway");
        Assert.Equal("this gateway", gateway.GetProperty("scope").GetString());
        var users = gateway.GetProperty("users").EnumerateArray().ToDictionary(u => u.GetProperty("name").GetString()!, u => u.GetProperty("connections").GetInt32());
        Assert.Equal(1, users[alice.User]);
        Assert.Equal(1, users[bob.User]);
    }

    [Fact]
    public async Task Admin_page_is_served_under_the_content_security_policy_without_inline_code()
    {
        using var http = System.Http();

        using var page = await http.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("/admin/", page.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"admin.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase), html);
        using var script = await http.GetAsync("/admin/admin.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.DoesNotContain("innerHTML", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
