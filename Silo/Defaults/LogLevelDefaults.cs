using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace ChatApp.Defaults;

/// <summary>
/// Log levels for chatty libraries, beneath every other configuration source, so that appsettings,
/// the environment and the command line still decide (Logging__LogLevel__Polly=Information). Both
/// hosts start from them.
/// </summary>
public static class LogLevelDefaults
{
    private static readonly Dictionary<string, string?> Levels = new()
    {
        // Four lines per HTTP request at Information; at a few hundred requests a second they cost a
        // measurable share of each (history p99 25.3 → 20.2 ms without them, bench/README.md). As
        // in Microsoft's templates, they start at Warning.
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        // Orleans runs each grain placement through a Polly pipeline that logs two lines at
        // Information: 10,000 lines a silo in a storm of 5,000 hellos, written to the console.
        ["Logging:LogLevel:Polly"] = "Warning",
    };

    public static IConfigurationBuilder AddLogLevelDefaults(this IConfigurationBuilder config)
    {
        config.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Levels });
        return config;
    }
}
