namespace BitsoWorkflows.Server.Cli;

/// <summary>The work was attempted and failed: the CLI prints the message on one line and exits with 1.</summary>
public sealed class CliFailureException(string message) : Exception(message);
