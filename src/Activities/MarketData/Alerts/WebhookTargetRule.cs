using System.Net;
using System.Net.Sockets;

namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>
/// Which addresses a webhook may connect to: not loopback, link-local, private (RFC 1918, shared 100.64/10),
/// unique-local, site-local, multicast, broadcast or unspecified. Checked on the addresses a name resolves to, at
/// connect time, so a redirect or a DNS answer cannot lead elsewhere than what was checked.
/// </summary>
public static class WebhookTargetRule
{
    public static bool IsRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
            return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast
                || (address.GetAddressBytes() is [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ..]); // IPv4-compatible (deprecated)
        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] is >= 64 and <= 127,
            169 => b[1] == 254,
            172 => b[1] is >= 16 and <= 31,
            192 => b[1] == 168 || (b[1] == 0 && b[2] == 0),
            >= 224 => true, // multicast and reserved
            _ => false,
        };
    }

    /// <summary>The refusal somewhere in <paramref name="exception"/>'s chain (the handler wraps what a connect callback throws), or null.</summary>
    public static Exception? Refusal(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            if (e is RefusedTargetException) return e;
        return null;
    }

    /// <summary>
    /// The handler webhooks use: resolves the target itself and connects only when no resolved address is refused
    /// (unless <paramref name="allowPrivate"/>); no proxy, so the address checked is the address reached.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivate, bool followRedirects) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseProxy = false,
        AllowAutoRedirect = followRedirects,
        MaxAutomaticRedirections = 3,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            if (addresses.Length == 0) throw new HttpRequestException("The webhook's host name resolves to no address.");
            if (!allowPrivate && addresses.Any(IsRefused)) throw new RefusedTargetException();
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private sealed class RefusedTargetException() : HttpRequestException(
        "The webhook's host resolves to a loopback, link-local, private or multicast address, which is refused (Alerts:AllowPrivateWebhookTargets).");
}
