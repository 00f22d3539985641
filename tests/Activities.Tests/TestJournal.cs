using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.Tests;

/// <summary>Keeps journal lines for assertions; safe when several activities write at once (e.g. the parallel loads).</summary>
public sealed class TestJournal : IRunJournal
{
    private readonly List<(string Level, string Message)> _entries = [];

    /// <summary>Each line as <c>level: message</c>.</summary>
    public IReadOnlyList<string> Lines => [.. Entries.Select(e => $"{e.Level}: {e.Message}")];

    public IReadOnlyList<(string Level, string Message)> Entries
    {
        get
        {
            lock (_entries) return _entries.ToList();
        }
    }

    public void Info(string message) => Add("info", message);

    public void Warning(string message) => Add("warning", message);

    public void Error(string message) => Add("error", message);

    private void Add(string level, string message)
    {
        lock (_entries) _entries.Add((level, message));
    }
}
