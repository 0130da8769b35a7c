using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace ChatApp.Tests.Support;

/// <summary>Reading the HTTP API's answers: bodies as the contract's records, errors as problem details.</summary>
public static class HttpSteps
{
    /// <summary>The body, read as <typeparamref name="T"/> (camelCase JSON).</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<T>() ?? throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered no body");

    /// <summary>Asserts an RFC 7807 problem with the contract's code, and returns it.</summary>
    public static async Task<Problem> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadAsync<Problem>();
        Assert.Equal(code, problem.Code);
        Assert.Equal((int)status, problem.Status);
        return problem;
    }
}

/// <summary>An error of the HTTP API: RFC 7807 problem details with the contract's <c>code</c> (and <c>retryAfterMs</c> when rate limited).</summary>
public sealed record Problem(string Code, int Status, long? RetryAfterMs = null);
