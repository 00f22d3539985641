namespace BitsoWorkflows.Engine.Execution;

/// <summary>One line of an activity attempt's journal.</summary>
public sealed record JournalLine(DateTimeOffset At, string Level, string Message);
