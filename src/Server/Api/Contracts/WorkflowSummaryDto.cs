using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>A workflow in listings: its published version, trigger, pause state, next fire and last run.</summary>
public sealed record WorkflowSummaryDto(
    string Id,
    string Name,
    string Description,
    int Version,
    string Trigger,
    bool Catchup,
    int MaxActiveRuns,
    bool IsPaused,
    DateTimeOffset? NextFireTime,
    RunDto? LastRun,
    WorkflowDefinition Definition);
