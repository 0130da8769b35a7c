using System.Globalization;

namespace ChatApp.Tests.Operations.Support;

/// <summary>A scrape of a /metrics endpoint in Prometheus' text format, read the way a query would.</summary>
internal sealed class PrometheusText(string text)
{
    public string Text { get; } = text;

    public static async Task<PrometheusText> ScrapeAsync(HttpClient http, Uri metrics)
    {
        using var response = await http.GetAsync(metrics);
        response.EnsureSuccessStatusCode();
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }

    /// <summary>True when some sample of the metric is present.</summary>
    public bool Has(string name) => Samples(name, null).Any();

    /// <summary>The sum of the metric's samples over every series (or those whose labels contain <paramref name="label"/>).</summary>
    public double Sum(string name, string? label = null) => Samples(name, label).Sum();

    private IEnumerable<double> Samples(string name, string? label)
    {
        foreach (var line in Text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal))
            {
                continue;
            }
            var rest = line[name.Length..];
            string labels;
            if (rest.StartsWith('{'))
            {
                var end = rest.IndexOf('}', StringComparison.Ordinal);
                labels = rest[..(end + 1)];
                rest = rest[(end + 1)..];
            }
            else if (rest.StartsWith(' '))
            {
                labels = "";
            }
            else
            {
                continue; // a longer name that starts with this one
            }
            if (label is not null && !labels.Contains(label, StringComparison.Ordinal))
            {
                continue;
            }
            var value = rest.Trim().Split(' ')[0];
            yield return double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// The expectations (metric, optional label, least growth since <paramref name="before"/>) this scrape
    /// does not meet yet, each spelled with both values; empty when all are met.
    /// </summary>
    public IReadOnlyList<string> Unmet(PrometheusText before, params (string Name, string? Label, double AtLeast)[] growth) =>
        [.. growth
            .Where(g => Sum(g.Name, g.Label) - before.Sum(g.Name, g.Label) < g.AtLeast)
            .Select(g => $"{g.Name}{(g.Label is null ? "" : "{" + g.Label + "}")} went from {before.Sum(g.Name, g.Label)} to {Sum(g.Name, g.Label)}, not up by {g.AtLeast}")];

    /// <summary>The chat's own samples, for a failure message: the rest is long and rarely the point.</summary>
    public override string ToString() =>
        string.Join('\n', Text.Split('\n').Where(line => line.StartsWith("chatapp_", StringComparison.Ordinal)));
}
