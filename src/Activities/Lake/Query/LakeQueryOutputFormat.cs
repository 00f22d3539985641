namespace BitsoWorkflows.Activities.Lake;

/// <summary>How the CLI prints a query result (<c>--format table|csv|json</c>).</summary>
public enum LakeQueryOutputFormat
{
    Table,
    Csv,
    Json,
}
