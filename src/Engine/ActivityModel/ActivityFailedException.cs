namespace BitsoWorkflows.Engine.ActivityModel;

/// <summary>
/// A failure the activity understands and that a retry cannot cure (the window has not ended, a file is malformed):
/// the attempt fails with this message, without a stack in the journal, and the engine does not retry it.
/// </summary>
public sealed class ActivityFailedException(string message) : Exception(message);
