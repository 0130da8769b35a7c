using System.Globalization;

namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// What one injected fault cost: acknowledged, lost and duplicated messages and the longest recovery,
/// as a line of the test's output and, when CHATAPP_FAULT_RESULTS names a file, a tab-separated line
/// appended to it (bench/chaos-partitions.sh turns those into the table in bench/README.md).
/// </summary>
public sealed record FaultReport(string Fault, int Acknowledged, int Lost, int Duplicated, double RecoverySeconds, string Notes)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Fault}: acknowledged {Acknowledged}, lost {Lost}, duplicated {Duplicated}, longest wait for an ack {RecoverySeconds:0.0} s; {Notes}");

    public static FaultReport Of(string fault, RoomAudit audit, TimeSpan recovery, string notes) =>
        new(fault, audit.Acknowledged, audit.Lost, audit.Duplicated, recovery.TotalSeconds, notes);

    /// <summary>Writes the line, and appends it to CHATAPP_FAULT_RESULTS if set.</summary>
    public void Publish(Action<string> log)
    {
        log(ToString());
        if (Environment.GetEnvironmentVariable("CHATAPP_FAULT_RESULTS") is { Length: > 0 } file)
        {
            File.AppendAllText(file, string.Join('\t', Fault, Acknowledged, Lost, Duplicated,
                RecoverySeconds.ToString("0.0", CultureInfo.InvariantCulture), Notes.Replace('\t', ' ')) + "\n");
        }
    }
}
