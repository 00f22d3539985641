using System.Text.Json;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;
using Microsoft.Extensions.Logging;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>Collects the journal of one attempt; lines also go to the diagnostic log at debug level.</summary>
/// <remarks>Secret param values (<paramref name="secrets"/>) are masked in every line, for the journal and the log alike.</remarks>
internal sealed partial class RunJournal(TimeProvider time, ILogger logger, IReadOnlyList<string>? secrets = null) : IRunJournal
{
    private const int MaxLines = 1000;
    private readonly List<JournalLine> _lines = [];
    private int _dropped;

    public void Info(string message) => Add("info", message, LogLevel.Debug);

    public void Warning(string message) => Add("warning", message, LogLevel.Debug);

    public void Error(string message) => Add("error", message, LogLevel.Debug);

    public string? ToJson()
    {
        lock (_lines)
        {
            if (_lines.Count == 0) return null;
            var lines = _dropped == 0 ? _lines : [.. _lines, new JournalLine(time.GetUtcNow(), "warning", $"{_dropped} more lines dropped")];
            return JsonSerializer.Serialize(lines, DefinitionJson.Compact);
        }
    }

    private void Add(string level, string message, LogLevel logLevel)
    {
        if (secrets is { Count: > 0 }) message = SecretParams.Scrub(message, secrets)!;
        lock (_lines)
        {
            if (_lines.Count >= MaxLines) _dropped++;
            else _lines.Add(new JournalLine(time.GetUtcNow(), level, message));
        }
        LogLine(logger, logLevel, level, message);
    }

    /// <summary>Each journal line also goes to the host's log, at the line's level.</summary>
    [LoggerMessage(Message = "{Level}: {Message}")]
    private static partial void LogLine(ILogger logger, LogLevel logLevel, string level, string message);
}
