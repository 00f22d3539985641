using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MasterData;

public sealed class LoadMasterSnapshotOutput
{
    [Output(Description = "The source loaded.")]
    public string Source { get; init; } = "";

    [Output(Description = "Checksum of the snapshot file (xxh128:<hex>).")]
    public string Checksum { get; init; } = "";

    [Output(Description = "True when the snapshot was unchanged and the window already loaded, so nothing was done.")]
    public bool Unchanged { get; init; }

    [Output(Description = "Data rows read from the file; when unchanged, the rows the last load of the same file read.")]
    public long Read { get; init; }

    [Output(Description = "Clean rows of the window merged into the warehouse.")]
    public long Loaded { get; init; }

    [Output(Description = "Merged rows that were new.")]
    public long Inserted { get; init; }

    [Output(Description = "Merged rows that changed an existing row.")]
    public long Updated { get; init; }

    [Output(Description = "Exact duplicate rows dropped.")]
    public long Duplicates { get; init; }

    [Output(Description = "Older versions of an id dropped because a later line had other content.")]
    public long Superseded { get; init; }

    [Output(Description = "Unparsable rows sent to etl_rejects.")]
    public long Rejected { get; init; }

    [Output(Description = "Loaded rows flagged for an amount ≤ 0.")]
    public long Flagged { get; init; }

    [Output(Description = "Valid rows outside the run's window, left for their own day.")]
    public long OutsideWindow { get; init; }
}
