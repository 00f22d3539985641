namespace BitsoWorkflows.Activities.Lake;

/// <summary>How a window's file is encoded. Only Parquet files are visible to the <c>spreads</c> view.</summary>
public enum LakeFileFormat
{
    Parquet,
    Csv,
}
