using BitsoWorkflows.Engine.Activities;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class TestJournal : IRunJournal
{
    public List<string> Lines { get; } = [];

    public void Info(string message) => Lines.Add("info: " + message);

    public void Warning(string message) => Lines.Add("warning: " + message);

    public void Error(string message) => Lines.Add("error: " + message);
}
