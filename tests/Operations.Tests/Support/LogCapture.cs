using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ChatApp.Tests.Operations.Support;

/// <summary>
/// A logger provider that keeps everything a log line could carry to a console or a shipper: the
/// formatted message, each structured value, every scope, and the exception with its inner ones.
/// </summary>
internal sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            AppendValues(line, state);
            capture._scopes.ForEachScope((scope, text) =>
            {
                text.Append(" => ").Append(scope);
                AppendValues(text, scope);
            }, line);
            if (exception is not null)
            {
                line.Append(' ').Append(exception);
            }
            capture._entries.Enqueue(line.ToString());
        }

        private static void AppendValues(StringBuilder line, object? state)
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    line.Append(" [").Append(key).Append('=').Append(value).Append(']');
                }
            }
        }
    }
}
