using BitsoWorkflows.Server.Hosting;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary><c>serve</c>: the engine, scheduler, REST API and Studio in one process, until Ctrl+C.</summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(CliArguments cli, GlobalOptions global)
    {
        cli.EnsureAllOptionsUsed();
        var app = ServerApp.Build(global);
        await app.RunAsync();
        return 0;
    }
}
