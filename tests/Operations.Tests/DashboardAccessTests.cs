using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>With credentials configured, the dashboard and metrics want them; health probes never do.</summary>
public sealed class DashboardAccessTests
{
    [Fact]
    public async Task Dashboard_and_metrics_need_the_configured_credentials_but_health_does_not()
    {
        await using var system = await ChatSystem.StartAsync(siloSettings: new Dictionary<string, string>
        {
            ["Dashboard:Username"] = "operator",
            ["Dashboard:Password"] = "admin-port-secret",
        });
        using var http = new HttpClient { BaseAddress = system.SiloAdminUris[0] };

        using var anonymous = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var wrong = await GetAsync(http, "/metrics", "operator:guess");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var health = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using var page = await GetAsync(http, "/", "operator:admin-port-secret");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var metrics = await GetAsync(http, "/metrics", "operator:admin-port-secret");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string credentials)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return http.SendAsync(request);
    }
}
