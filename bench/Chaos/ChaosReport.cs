using System.Globalization;
using System.Text;
using ChatApp.Tests.Failover.Support;

namespace ChatApp.Bench.Chaos;

/// <summary>The figures of a chaos run, and whether it lost or doubled anything.</summary>
public sealed record ChaosReport(
    ChaosOptions Options,
    IReadOnlyList<KillCycle> Cycles,
    RoomAudit Audit,
    int Unavailable,
    int Unanswered,
    int Reconnects,
    int Resyncs,
    int OtherErrors,
    int Reloaded,
    int PeakDatabaseConnections,
    IReadOnlyList<double> SiloMemoryMb,
    TimeSpan Elapsed)
{
    public bool Clean => Audit.Clean && OtherErrors == 0 && Cycles.Count == Options.Cycles;

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Chaos: {Cycles.Count} silo kills in {Elapsed.TotalSeconds:0} s ({Options.Clients} clients, {Options.Rate} messages/s each, 3 silos)");
        text.AppendLine();
        text.AppendLine("| kill | declared dead (s) | every client sending again (s) | every client shown everything (s) |");
        text.AppendLine("|---:|---:|---:|---:|");
        foreach (var c in Cycles)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {c.Cycle} | {c.DeclaredDead.TotalSeconds:0.00} | {c.Recovered.TotalSeconds:0.00} | {c.ShownAgain.TotalSeconds:0.00} |");
        }
        text.AppendLine();
        text.AppendLine("| figure | value |");
        text.AppendLine("|---|---:|");
        Row(text, "declared dead, median / worst (s)", $"{Median(c => c.DeclaredDead):0.00} / {Worst(c => c.DeclaredDead):0.00}");
        Row(text, "sending again, median / worst (s)", $"{Median(c => c.Recovered):0.00} / {Worst(c => c.Recovered):0.00}");
        Row(text, "shown everything again, median / worst (s)", $"{Median(c => c.ShownAgain):0.00} / {Worst(c => c.ShownAgain):0.00}");
        Row(text, "messages acknowledged", Audit.Acknowledged.ToString(CultureInfo.InvariantCulture));
        Row(text, "lost (must be 0)", Audit.Lost.ToString(CultureInfo.InvariantCulture));
        Row(text, "duplicated (must be 0)", Audit.Duplicated.ToString(CultureInfo.InvariantCulture));
        Row(text, "gaps in the log (must be 0)", Audit.LogGaps.ToString(CultureInfo.InvariantCulture));
        Row(text, "clients shown other than the log (must be 0)", Audit.DeliveryFaults.Count.ToString(CultureInfo.InvariantCulture));
        Row(text, "`unavailable` answers / unanswered tries", $"{Unavailable} / {Unanswered}");
        Row(text, "reconnects / resyncs (messages reloaded through history)", $"{Reconnects} / {Resyncs} ({Reloaded})");
        Row(text, "peak connections to PostgreSQL (3 silos + gateway)", PeakDatabaseConnections.ToString(CultureInfo.InvariantCulture));
        Row(text, "silo resident memory at the end (MB)", string.Join(" / ", SiloMemoryMb.Select(m => m.ToString("0", CultureInfo.InvariantCulture))));
        text.AppendLine();
        text.AppendLine(Clean ? "Result: nothing lost, nothing duplicated." : $"Result: NOT CLEAN: {Audit}");
        return text.ToString();
    }

    private double Median(Func<KillCycle, TimeSpan> figure)
    {
        var sorted = Cycles.Select(c => figure(c).TotalSeconds).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private double Worst(Func<KillCycle, TimeSpan> figure) => Cycles.Count == 0 ? 0 : Cycles.Max(c => figure(c).TotalSeconds);

    private static void Row(StringBuilder text, string name, string value) => text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");
}
