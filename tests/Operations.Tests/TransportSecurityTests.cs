using System.Net;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>HSTS on answers that went out over TLS (here: through a proxy that says so), and none over plain HTTP.</summary>
public sealed class TransportSecurityTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task A_page_served_over_https_tells_browsers_to_keep_to_https_for_a_year()
    {
        using var http = System.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "chat.example.org";
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task A_page_served_over_plain_http_has_no_hsts()
    {
        using var http = System.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "chat.example.org";

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }
}
