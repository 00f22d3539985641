namespace BitsoWorkflows.Engine.Persistence;

/// <summary>The kinds of <see cref="RunOperationRecord"/>.</summary>
public static class RunOperationKinds
{
    public const string Note = "note";
    public const string MarkRun = "mark-run";
    public const string MarkActivity = "mark-activity";
    public const string Clear = "clear";
    public const string Notification = "notification";
}
