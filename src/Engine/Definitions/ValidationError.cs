namespace BitsoWorkflows.Engine.Definitions;

/// <summary>One problem in a definition: where (file and JSON path) and what.</summary>
public sealed record ValidationError(string? File, string Path, string Message)
{
    public override string ToString() => File is null ? $"{Path}: {Message}" : $"{File}: {Path}: {Message}";
}

/// <summary>The outcome of validating a definition: the definition when there are no errors.</summary>
public sealed record DefinitionValidationResult(WorkflowDefinition? Definition, IReadOnlyList<ValidationError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Definition is not null;
}
