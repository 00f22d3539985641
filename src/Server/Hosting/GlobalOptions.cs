using BitsoWorkflows.Activities.MasterData.Generation;
using BitsoWorkflows.Engine.Hosting;

namespace BitsoWorkflows.Server.Hosting;

/// <summary>The options every verb takes: where data and workflows live, demo mode, and where the server listens.</summary>
public sealed record GlobalOptions(string DataDir, string WorkflowsDir, bool Demo, string Urls)
{
    private DataDirectory? _data;

    public const string MasterDataWorkflowId = "master-data-daily";

    /// <summary>Folder of snapshot CSVs for scheduled master-data runs (<c>--source-dir</c>); none downloads the public ones.</summary>
    public string? SourceDir { get; init; }

    /// <summary>The data dir as the components use it (created on first use).</summary>
    public DataDirectory Data => _data ??= new DataDirectory(DataDir);

    /// <summary>Where <c>--demo</c> generates its master-data snapshot.</summary>
    public string DemoSnapshotDir => SnapshotGenerator.DemoFolder(Data);

    /// <summary>Configuration given on the command line as <c>--Section:Key value</c> (e.g. <c>--Store:Provider postgres</c>).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Everything the options imply for configuration: demo defaults first, explicit settings over them.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ConfigurationValues()
    {
        if (Demo)
        {
            // Offline: the capture simulates books instead of calling Bitso, the daily load reads generated snapshots.
            yield return new("Engine:ParamDefaults:order-book-every-second:source", "simulated");
            yield return new($"Engine:ParamDefaults:{MasterDataWorkflowId}:sourceDir", DemoSnapshotDir);
        }
        if (SourceDir is not null)
            yield return new($"Engine:ParamDefaults:{MasterDataWorkflowId}:sourceDir", SourceDir);
        foreach (var setting in Settings) yield return setting;
    }

    public const string DefaultDataDir = "data";
    public const string DefaultWorkflowsDir = "workflows";
    public const string DefaultUrls = "http://127.0.0.1:5080";
}
