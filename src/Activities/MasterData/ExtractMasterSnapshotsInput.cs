using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MasterData;

public sealed class ExtractMasterSnapshotsInput
{
    /// <summary>Local folder holding the four snapshot CSVs (deposits may be zipped); empty downloads the public snapshots.</summary>
    [Input(Description = "Local folder with user_id_sample_data.csv, deposit_sample_data.csv[.zip], withdrawals_sample_data.csv and event_sample_data.csv; empty downloads the public snapshots.")]
    public string SourceDir { get; init; } = "";
}
