namespace ChatApp.Bench.LoadGen.Reporting;

/// <summary>
/// One step of a rate sweep: what was offered, what came of it, and why it failed if it did.
/// Latencies are of the messages sent in the step's measured seconds; losses, duplicates and
/// resyncs of every message of the step, warm-up included.
/// </summary>
public sealed record SweepStep(
    double OfferedRate,
    double SendRate,
    double DeliveryRate,
    double P50,
    double P99,
    double Max,
    long Sent,
    long Lost,
    long Duplicates,
    long OutOfOrder,
    long Resyncs,
    long SendErrors,
    long ClosedByServer,
    double ServerCpu,
    double LoadGenCpu,
    double OthersCpu,
    bool Passed,
    string? Failure);
