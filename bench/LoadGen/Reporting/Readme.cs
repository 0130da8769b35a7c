using System.Text;
using System.Text.Json;

namespace ChatApp.Bench.LoadGen.Reporting;

/// <summary>Rewrites the results block of bench/README.md from every results/*.json there is.</summary>
public static class Readme
{
    private const string Start = "<!-- results:start (written by ./bench.sh; edits inside are lost) -->";
    private const string End = "<!-- results:end -->";
    private static readonly string[] Order = ["connections", "fanout", "hotroom", "durable", "history", "search", "presence", "bigroom", "scaling", "hellostorm"];

    public static int Write(Setup.Options options)
    {
        var dir = options.String("out", "bench/results");
        var path = options.String("readme", "bench/README.md");
        var reports = Directory.EnumerateFiles(dir, "*.json")
            .Select(f => JsonSerializer.Deserialize<ScenarioReport>(File.ReadAllText(f), Runner.Json)!)
            .OrderBy(r => Array.IndexOf(Order, r.Scenario) is var i && i < 0 ? 99 : i)
            .ToList();
        Console.Error.WriteLine($"readme: {reports.Count} scenarios, {reports.Sum(r => r.Targets.Count)} target runs, {reports.Sum(r => r.Goals.Count)} goals");
        var block = new StringBuilder();
        block.AppendLine(Start);
        foreach (var line in Markdown.SummaryHeader())
        {
            block.AppendLine(line);
        }
        foreach (var report in reports)
        {
            foreach (var row in Markdown.SummaryRows(report, report.Headline))
            {
                block.AppendLine(row);
            }
        }
        block.AppendLine();
        block.AppendLine("Runs: " + string.Join("; ", reports.Select(r => $"[{r.Scenario}](results/{r.Scenario}.md) {r.StartedUtc:yyyy-MM-dd HH:mm} UTC")));
        block.Append(End);

        var text = File.Exists(path) ? File.ReadAllText(path) : Start + "\n" + End + "\n";
        var from = text.IndexOf(Start, StringComparison.Ordinal);
        var to = text.IndexOf(End, StringComparison.Ordinal);
        text = from >= 0 && to > from
            ? text[..from] + block + text[(to + End.Length)..]
            : text + "\n" + block + "\n";
        File.WriteAllText(path, text);
        return 0;
    }
}
