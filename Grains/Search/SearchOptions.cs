namespace ChatApp.Search;

/// <summary>The search's own limits, bound from the silo's "Search" section (docs/security.md lists them).</summary>
public sealed class SearchOptions
{
    public const string Section = "Search";

    /// <summary>
    /// How long PostgreSQL may spend on one search before it cancels it (statement_timeout, set for
    /// the search's own transaction only) and the caller is told <c>timeout</c>. The benchmark's
    /// slowest searches take well under a second (bench/results/search.md).
    /// </summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
