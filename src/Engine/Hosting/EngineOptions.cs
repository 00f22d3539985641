namespace BitsoWorkflows.Engine.Hosting;

/// <summary>Settings of the workflow engine (configuration section <c>Engine</c>).</summary>
public sealed class EngineOptions
{
    public const string SectionName = "Engine";

    public const int DefaultMaxParallelActivities = 4;

    /// <summary>Folder of the <c>*.json</c> workflow definitions imported at start-up.</summary>
    public string WorkflowsDirectory { get; set; } = "workflows";

    /// <summary>How many activities of one run may execute at once.</summary>
    public int MaxParallelActivities { get; set; } = DefaultMaxParallelActivities;

    /// <summary>
    /// The longest list a mapped activity runs over (Airflow's <c>max_map_length</c>, same default): a longer one fails the
    /// activity naming its length, instead of starting and recording an instance per item of, say, a million.
    /// </summary>
    public int MaxMapLength { get; set; } = DefaultMaxMapLength;

    public const int DefaultMaxMapLength = 1024;

    /// <summary>Name of this server node in run records; defaults to the machine name.</summary>
    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>How often run records past their workflow's retention are deleted.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Asset events (and which runs consumed them) older than this are deleted by the retention sweep.</summary>
    public TimeSpan AssetEventRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the workflows folder is checked for edited files.</summary>
    public TimeSpan WorkflowFilePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Param defaults set by the host, per workflow id, as text (like <c>--param</c>): they replace the definition's
    /// defaults for every run of that workflow, and a run's own overrides still win. <c>serve --demo</c> uses it to switch
    /// the capture to the simulated source without editing the definition.
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> ParamDefaults { get; set; } = new(StringComparer.Ordinal);
}
