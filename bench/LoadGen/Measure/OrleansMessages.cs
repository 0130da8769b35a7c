using System.Globalization;
using ChatApp.Bench.LoadGen.Reporting;

namespace ChatApp.Bench.LoadGen.Measure;

/// <summary>
/// Orleans' own message counters, summed over the silos, as each silo's admin port publishes them
/// (<c>/metrics</c>, Prometheus text). How many messages a chat message takes is the message path's
/// figure: each is a work item scheduled and usually a thread woken, and at moderate rates those, not
/// bytes, are most of what a message costs the silos (bench/README.md, "What a message costs at a
/// moderate rate"). A message between silos is counted by the silo that sends it, a gateway's by the
/// silo it reaches or leaves, so none is counted twice.
/// </summary>
public sealed record OrleansMessages(double FromGateways, double BetweenSilos, double ToGateways, double WithinSilos)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>The silos' counters now; null when there are none to read or a silo did not answer.</summary>
    public static async Task<OrleansMessages?> ReadAsync(IReadOnlyList<Uri> silos, CancellationToken cancellationToken)
    {
        if (silos.Count == 0)
        {
            return null;
        }
        var sum = new OrleansMessages(0, 0, 0, 0);
        foreach (var silo in silos)
        {
            try
            {
                sum = sum.Plus(Parse(await Http.GetStringAsync(silo, cancellationToken)));
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return null; // a figure left out, not guessed
            }
        }
        return sum;
    }

    /// <summary>One silo's counters from its Prometheus text.</summary>
    public static OrleansMessages Parse(string metrics)
    {
        double from = 0, between = 0, to = 0, within = 0;
        foreach (var line in metrics.Split('\n'))
        {
            var space = line.LastIndexOf(' ');
            if (line.StartsWith('#') || space < 0
                || !double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }
            var series = line[..space];
            var clientConnection = series.Contains("ConnectionDirection=\"GatewayToClient\"", StringComparison.Ordinal);
            var siloToSilo = series.Contains("ConnectionDirection=\"SiloToSilo\"", StringComparison.Ordinal);
            if (series.StartsWith("orleans_messaging_sent_local_total", StringComparison.Ordinal))
            {
                within += value;
            }
            else if (series.StartsWith("orleans_messaging_sent_messages_size_bytes_count{", StringComparison.Ordinal))
            {
                between += siloToSilo ? value : 0;
                to += clientConnection ? value : 0;
            }
            else if (series.StartsWith("orleans_messaging_received_messages_size_bytes_count{", StringComparison.Ordinal) && clientConnection)
            {
                from += value;
            }
        }
        return new(from, between, to, within);
    }

    public OrleansMessages Plus(OrleansMessages other) =>
        new(FromGateways + other.FromGateways, BetweenSilos + other.BetweenSilos, ToGateways + other.ToGateways, WithinSilos + other.WithinSilos);

    public OrleansMessages Since(OrleansMessages earlier) =>
        new(FromGateways - earlier.FromGateways, BetweenSilos - earlier.BetweenSilos, ToGateways - earlier.ToGateways, WithinSilos - earlier.WithinSilos);

    /// <summary>
    /// Adds the messages per <paramref name="what"/> (<paramref name="count"/> of them in the window) to
    /// the run, under keys starting with <paramref name="key"/>.
    /// </summary>
    public void AddPer(TargetRun run, string key, double count, string what)
    {
        if (count <= 0)
        {
            return;
        }
        run.Add($"{key}.fromGateways", $"Orleans messages per {what}: gateways to silos", FromGateways / count, "");
        run.Add($"{key}.betweenSilos", "… between silos", BetweenSilos / count, "");
        run.Add($"{key}.toGateways", "… silos to gateways", ToGateways / count, "");
        run.Add($"{key}.withinSilos", "… within a silo (grain to grain on one silo)", WithinSilos / count, "");
    }
}
