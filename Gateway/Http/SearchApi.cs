using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Limits;
using ChatApp.Search;

namespace ChatApp.Gateway.Http;

/// <summary>
/// <c>GET /api/search</c>: PostgreSQL full-text search over the rooms the caller belongs to,
/// limited per user (Limits:SearchesPerSecond, SearchBurst); the words' own limits and the
/// statement timeout are the search grain's (<see cref="IMessageSearchGrain"/>).
/// </summary>
public static class SearchApi
{
    public sealed record SearchResults(IReadOnlyList<SearchHit> Results);

    public static RouteHandlerBuilder MapSearch(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/search", Search).RequireAuthorization();

    private static async Task<IResult> Search(string? q, string? room, int? limit, HttpContext http, IClusterClient cluster, AbuseLimits limits)
    {
        limits.TakeSearch(http.User().Name);
        if (limit is < 1 or > 100)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "limit is 1 to 100.");
        }
        var hits = await cluster.GetGrain<IMessageSearchGrain>(0).Search(http.User().Name, q ?? "", room is null ? null : RouteKeys.Room(room), limit ?? 20);
        return TypedResults.Ok(new SearchResults(hits));
    }
}
