namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>An activity's box: top-left corner.</summary>
public sealed record PlacedNode(string Id, string Type, double X, double Y);
