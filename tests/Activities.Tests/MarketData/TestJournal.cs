using BitsoWorkflows.Engine.Activities;

namespace BitsoWorkflows.Activities.Tests.MarketData;

/// <summary>A journal that keeps its lines for assertions.</summary>
public sealed class TestJournal : IRunJournal
{
    private readonly List<(string Level, string Message)> _lines = [];

    public IReadOnlyList<(string Level, string Message)> Lines
    {
        get
        {
            lock (_lines) return _lines.ToList();
        }
    }

    public void Info(string message) => Add("info", message);

    public void Warning(string message) => Add("warning", message);

    public void Error(string message) => Add("error", message);

    private void Add(string level, string message)
    {
        lock (_lines) _lines.Add((level, message));
    }
}
