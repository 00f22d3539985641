namespace BitsoWorkflows.Engine.Definitions;

/// <summary>A dependency: what <see cref="To"/> sees of <see cref="From"/> decides, by its trigger rule, whether it runs.</summary>
public sealed record EdgeDefinition
{
    public required string From { get; init; }

    public required string To { get; init; }

    /// <summary>
    /// A branch condition (<see cref="Expressions.BranchCondition"/>): evaluated once <see cref="From"/> succeeded; when
    /// false the edge is not taken and <see cref="To"/> sees <see cref="From"/> as skipped.
    /// </summary>
    public string? When { get; init; }
}
