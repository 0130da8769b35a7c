using ChatApp.Tests.Failover.Support;
using Xunit;

namespace ChatApp.Tests.Failover;

/// <summary>A test that needs a <see cref="NetworkLab"/>: skipped, saying why, where namespaces cannot be made (CI runs as root and runs it).</summary>
public sealed class NetworkFactAttribute : FactAttribute
{
    public NetworkFactAttribute()
    {
        if (NetworkLab.WhyUnavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
