namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// The runs of a frequent workflow in one minute: how many exist, how they ended, and how many scheduled seconds
/// have no run that started (recorded as missed, or never recorded at all).
/// </summary>
public sealed record MinuteSummary(DateTimeOffset Minute, int Runs, int Succeeded, int Failed, int Active, int MissedSeconds);
