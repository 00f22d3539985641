namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>An edge from the right middle of its source to the left middle of its target.</summary>
public sealed record PlacedEdge(string From, string To, double X1, double Y1, double X2, double Y2);
