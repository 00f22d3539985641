using System.Security.Cryptography;
using System.Text;

namespace BitsoWorkflows.Activities.MarketData.Bitso;

/// <summary>
/// Builds Bitso's <c>Authorization: Bitso key:nonce:signature</c> header, where the signature is the lowercase hex
/// HMAC-SHA256 (keyed by the secret) of nonce + METHOD + request path with query + body. Nonces are epoch
/// milliseconds, kept strictly increasing across threads. The secret is held only as HMAC key bytes.
/// </summary>
public sealed class BitsoRequestSigner(string apiKey, string apiSecret, TimeProvider time)
{
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(apiSecret);
    private long _lastNonce;

    public string AuthorizationHeader(string method, string pathAndQuery, string body = "")
    {
        var nonce = NextNonce();
        return $"Bitso {apiKey}:{nonce}:{Sign(nonce, method, pathAndQuery, body)}";
    }

    public string Sign(long nonce, string method, string pathAndQuery, string body)
    {
        var message = Encoding.UTF8.GetBytes($"{nonce}{method.ToUpperInvariant()}{pathAndQuery}{body}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(_secret, message));
    }

    private long NextNonce()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        while (true)
        {
            var last = Interlocked.Read(ref _lastNonce);
            var next = Math.Max(last + 1, now);
            if (Interlocked.CompareExchange(ref _lastNonce, next, last) == last) return next;
        }
    }

    public override string ToString() => "BitsoRequestSigner (credentials hidden)";
}
