using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Engine.Hosting;

/// <summary>Whether the engine finished starting (the health endpoint answers 200 from then on) and what it imported.</summary>
public sealed class EngineReadiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public IReadOnlyList<FileImportResult> Imports { get; private set; } = [];

    public void MarkReady(IReadOnlyList<FileImportResult> imports)
    {
        Imports = imports;
        _ready = true;
    }
}
