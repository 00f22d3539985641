namespace BitsoWorkflows.Engine.ActivityModel;

/// <summary>The journal of one activity attempt: the lines a user reads on the run page.</summary>
public interface IRunJournal
{
    void Info(string message);

    void Warning(string message);

    void Error(string message);
}
