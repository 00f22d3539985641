namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>The warehouse file is held by another process (DuckDB allows one process per database file).</summary>
public sealed class WarehouseBusyException(string path, Exception inner)
    : InvalidOperationException($"The warehouse '{path}' is in use by another process (DuckDB lets one process open a database file); retry when its run ends, or ask the running server instead.", inner);
