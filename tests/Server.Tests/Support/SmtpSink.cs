using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>
/// A minimal SMTP server on 127.0.0.1 (no TLS, no auth) that keeps every message it is given: enough of RFC 5321 for
/// a real client (MailKit) to deliver to it.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public SmtpSink()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Each delivered message: its envelope recipients and its raw DATA.</summary>
    public ConcurrentQueue<(IReadOnlyList<string> To, string Data)> Messages { get; } = new();

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 sink ESMTP");
            var to = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 sink");
                        break;
                    case "MAIL":
                        to.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RCPT":
                        to.Add(line[(line.IndexOf(':') + 1)..].Trim().Trim('<', '>'));
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with .");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } body && body != ".")
                            data.AppendLine(body.StartsWith("..", StringComparison.Ordinal) ? body[1..] : body);
                        Messages.Enqueue((to.ToList(), data.ToString()));
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 OK");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
        {
            // The client went away or the sink stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
