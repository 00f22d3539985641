using BitsoWorkflows.Engine.Activities;

namespace BitsoWorkflows.Activities.Tests.Lake;

/// <summary>Collects journal lines; safe when several runs write at once.</summary>
internal sealed class TestJournal : IRunJournal
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToList();
        }
    }

    public void Info(string message) => Add("info: " + message);

    public void Warning(string message) => Add("warning: " + message);

    public void Error(string message) => Add("error: " + message);

    private void Add(string line)
    {
        lock (_lines)
            _lines.Add(line);
    }
}
