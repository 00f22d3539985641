namespace BitsoWorkflows.Server.Hosting;

/// <summary>The options every verb takes: where data and workflows live, demo mode, and where the server listens.</summary>
public sealed record GlobalOptions(string DataDir, string WorkflowsDir, bool Demo, string Urls)
{
    public const string DefaultDataDir = "data";
    public const string DefaultWorkflowsDir = "workflows";
    public const string DefaultUrls = "http://127.0.0.1:5080";
}
