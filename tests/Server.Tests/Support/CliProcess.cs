using System.Diagnostics;

namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>Runs the real CLI (the built server executable) as a person would, capturing exit code and output.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string root, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "BitsoWorkflows.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(Path.Combine(root, "data"));
        start.ArgumentList.Add("--workflows-dir");
        start.ArgumentList.Add(Path.Combine(root, "workflows"));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
