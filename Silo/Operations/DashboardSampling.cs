namespace ChatApp.Silo.Operations;

/// <summary>How often the Orleans Dashboard samples the silos.</summary>
public static class DashboardSampling
{
    /// <summary>
    /// The dashboard's <c>CounterUpdateIntervalMs</c> unless <c>Dashboard:CounterUpdateIntervalMs</c>
    /// says otherwise. Each sample asks every silo for its runtime statistics (counting its
    /// activations); Orleans' default of a second kept an idle cluster busy for graphs nobody
    /// was looking at.
    /// </summary>
    public const int DefaultIntervalMs = 10_000;
}
