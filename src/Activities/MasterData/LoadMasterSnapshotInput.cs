using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MasterData;

public sealed class LoadMasterSnapshotInput
{
    /// <summary>users, deposits, withdrawals or events.</summary>
    [Input(Description = "Which snapshot to load: users, deposits, withdrawals or events.", Required = true)]
    public string Source { get; init; } = "";

    /// <summary>The manifest written by ExtractMasterSnapshots.</summary>
    [Input(Description = "The manifest written by ExtractMasterSnapshots (its manifestPath output).", Required = true)]
    public string ManifestPath { get; init; } = "";

    /// <summary>Days before the run's day whose rows are merged again, for late data.</summary>
    [Input(Description = "Days before the run's day whose rows are merged again, for late-arriving data.")]
    public int LookbackDays { get; init; } = 3;

    /// <summary>The run fails when rejected rows exceed this share of the rows read (0–1).</summary>
    [Input(Description = "Fail when rejected rows exceed this share (0–1) of the rows read.")]
    public double MaxRejectShare { get; init; } = 0.05;

    /// <summary>Load even when the file is unchanged since the last load that covered the window.</summary>
    [Input(Description = "Load even when the snapshot is unchanged since a load that already covered the window.")]
    public bool Force { get; init; }
}
