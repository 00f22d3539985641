namespace BitsoWorkflows.Engine.Definitions;

/// <summary>A dependency: <see cref="To"/> starts after <see cref="From"/> succeeded.</summary>
public sealed record EdgeDefinition
{
    public required string From { get; init; }

    public required string To { get; init; }
}
