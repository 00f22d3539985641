namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>One line of a diff.</summary>
public sealed record DiffLine(DiffKind Kind, string Text);
