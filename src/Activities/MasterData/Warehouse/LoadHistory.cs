using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>Keeps <c>etl_load_history</c>: the last load of each table, which the Studio's data page shows.</summary>
internal static class LoadHistory
{
    public static async Task RecordAsync(DuckDBConnection connection, IEnumerable<string> tables, DateOnly logicalDate, string runId, DateTimeOffset loadedAt, long rowsChanged, CancellationToken cancellationToken)
    {
        foreach (var table in tables)
        {
            await connection.ExecuteAsync(
                """
                DELETE FROM etl_load_history WHERE table_name = $table;
                INSERT INTO etl_load_history VALUES ($table, $loadedAt, CAST($logicalDate AS DATE), $runId, $rows);
                """,
                cancellationToken,
                ("table", table), ("loadedAt", loadedAt.UtcDateTime), ("logicalDate", logicalDate.ToString("yyyy-MM-dd")), ("runId", runId), ("rows", rowsChanged));
        }
    }
}
