namespace BitsoWorkflows.Engine.Hosting;

/// <summary>Whether the engine finished starting; the health endpoint answers 200 from then on.</summary>
public sealed class EngineReadiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}
