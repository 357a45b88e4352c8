using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A logger provider that keeps what the project's own code logs, with the values of the scopes around each
/// line, so a test can see which task and node a line was tied to. Every in-process service host has it.
/// </summary>
public sealed class LogRecorder : ILoggerProvider, ISupportExternalScope
{
    public static readonly LogRecorder Instance = new();
    private const string OwnCategoryPrefix = "Orchestrator.";
    private readonly ConcurrentQueue<RecordedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    private LogRecorder()
    {
    }

    public IReadOnlyList<RecordedLog> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
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
            owner._entries.Enqueue(new RecordedLog(category, logLevel, formatter(state, exception), scopeValues));
        }
    }
}

public sealed record RecordedLog(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Scopes);
