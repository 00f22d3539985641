namespace BitsoWorkflows.Server.Cli;

/// <summary>A usage or validation error: the CLI prints the message on one line and exits with 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
