using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>What tests ask of the machine: run a command, find a free loopback port.</summary>
public static class Shell
{
    /// <summary>Runs the command to its end; false when it fails or cannot be started (not installed, not allowed).</summary>
    public static bool Run(string command, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in args) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
