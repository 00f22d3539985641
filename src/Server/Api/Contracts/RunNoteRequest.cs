namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>A note on a run, in Markdown (at most 10,000 characters; raw HTML is shown as text).</summary>
public sealed record RunNoteRequest(string? Text);
