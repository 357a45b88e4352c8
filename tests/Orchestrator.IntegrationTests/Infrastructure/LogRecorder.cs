using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// Keeps what the project's own code logs in this process, with the values of the scopes around each line, so
/// a test can see which task and node a line was tied to. Every in-process service host adds a
/// <see cref="Provider"/>: one each, because each host's logger factory has its own scopes.
/// </summary>
public static class LogRecorder
{
    private const string OwnCategoryPrefix = "Orchestrator.";
    private static readonly ConcurrentQueue<RecordedLog> Recorded = new();

    public static IReadOnlyList<RecordedLog> Entries => Recorded.ToArray();

    public sealed class Provider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Recorder(Provider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => category.StartsWith(OwnCategoryPrefix, StringComparison.Ordinal);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel))
                    return;
                var scopeValues = new Dictionary<string, object?>();
                owner._scopes.ForEachScope((scope, values) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                            values[key] = value;
                    }
                }, scopeValues);
                Recorded.Enqueue(new RecordedLog(category, logLevel, formatter(state, exception), scopeValues));
            }
        }
    }
}

public sealed record RecordedLog(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Scopes);
