namespace BitsoWorkflows.Activities.Lake;

/// <summary>SQL text building for DuckDB.</summary>
internal static class Sql
{
    public static string Literal(string value) => "'" + value.Replace("'", "''") + "'";
}
