using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>Logging:Format picks one-line text or JSON lines, the same way on the gateway and the silo.</summary>
public sealed class LogFormatTests
{
    [Theory]
    [InlineData(null, "simple")]
    [InlineData("simple", "simple")]
    [InlineData("json", "json")]
    public void Logging_format_chooses_the_console_formatter(string? format, string formatter)
    {
        foreach (var add in new Action<ILoggingBuilder, IConfiguration>[]
        {
            (logging, config) => Defaults.ConsoleLogFormat.AddChatConsole(logging, config),
            (logging, config) => Defaults.ConsoleLogFormat.AddChatConsole(logging, config),
        })
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Format"] = format }).Build();
            using var services = new ServiceCollection().AddLogging(logging => add(logging, config)).BuildServiceProvider();

            Assert.Equal(formatter, services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
            if (formatter == "simple")
            {
                var options = services.GetRequiredService<IOptions<SimpleConsoleFormatterOptions>>().Value;
                Assert.True(options.SingleLine);
                Assert.True(options.IncludeScopes);
            }
        }
    }

    [Fact]
    public void An_unknown_logging_format_is_refused_at_startup()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Format"] = "xml" }).Build();
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddLogging(logging => Defaults.ConsoleLogFormat.AddChatConsole(logging, config)));
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddLogging(logging => Defaults.ConsoleLogFormat.AddChatConsole(logging, config)));
    }
}
