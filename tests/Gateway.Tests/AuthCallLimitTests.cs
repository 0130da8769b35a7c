using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A system that allows four login, register and refresh calls per client address a minute.</summary>
public sealed class FewAuthCallsFixture() : ChatSystemFixture(new Dictionary<string, string>
{
    ["Limits:AuthCallsPerAddressPerMinute"] = "4",
});

/// <summary>Calls that mint or check credentials are counted per client address, whatever their outcome.</summary>
public sealed class AuthCallLimitTests(FewAuthCallsFixture fixture) : IClassFixture<FewAuthCallsFixture>
{
    [Fact]
    public async Task Register_login_and_refresh_share_an_addresss_budget_and_another_address_is_not_slowed()
    {
        using var caller = fixture.System.HttpFrom(IPAddress.Parse("127.0.0.31"));
        using var neighbour = fixture.System.HttpFrom(IPAddress.Parse("127.0.0.32"));

        var answers = new List<HttpResponseMessage>
        {
            await caller.PostAsJsonAsync("/api/auth/register", new { username = "no spaces allowed", password = "long enough" }),
            await caller.PostAsJsonAsync("/api/auth/login", new { username = Fresh.User("nobody"), password = "long enough" }),
            await caller.PostAsync("/api/auth/refresh", null),
            await caller.PostAsJsonAsync("/api/auth/register", new { username = "no spaces allowed", password = "long enough" }),
        };
        var overBudget = await caller.PostAsJsonAsync("/api/auth/login", new { username = Fresh.User("nobody"), password = "long enough" });
        var neighbours = await neighbour.PostAsJsonAsync("/api/auth/register", new { username = "no spaces allowed", password = "long enough" });

        Assert.DoesNotContain(answers, a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.TooManyRequests, overBudget.StatusCode);
        Assert.True(overBudget.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var problem = await overBudget.ReadAsync<Problem>();
        Assert.Equal("rate_limited", problem.Code);
        Assert.True(problem.RetryAfterMs > 0);
        Assert.Equal(HttpStatusCode.BadRequest, neighbours.StatusCode);
    }
}
