namespace BitsoWorkflows.Server.Cli;

/// <summary>Entry point of the command line; verbs are wired in by the engine issue.</summary>
public static class CommandLine
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("not wired yet");
        return Task.FromResult(2);
    }
}
