namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>The warehouse file does not exist yet: no daily load has run on this data dir.</summary>
public sealed class WarehouseNotLoadedException(string path)
    : InvalidOperationException($"The warehouse '{path}' does not exist yet; run the master-data-daily workflow first.");
