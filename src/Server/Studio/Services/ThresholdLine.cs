namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>A horizontal line on a book's spread chart (spread in percent).</summary>
public sealed record ThresholdLine(string Book, string Name, decimal Value, string WorkflowId);
