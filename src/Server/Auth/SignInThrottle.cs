using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Auth;

/// <summary>
/// Slows password guessing: after <see cref="SignInOptions.MaxFailedSignIns"/> wrong passwords from one client address
/// within <see cref="SignInOptions.FailedSignInWindow"/>, that address may not try a password again (login form or
/// HTTP Basic) until the oldest failure leaves the window. Counted by address, not by user, so nobody can lock the
/// admin out from elsewhere. In memory: a restart forgets, which costs a guesser a restart of the server.
/// </summary>
public sealed class SignInThrottle(IOptions<SignInOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> _failures = new();

    /// <summary>How long the address must wait before its next password attempt; null when it may try now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (address is null || !_failures.TryGetValue(address, out var failures)) return null;
        lock (failures)
        {
            var now = time.GetUtcNow();
            Prune(failures, now);
            return failures.Count >= options.Value.MaxFailedSignIns ? failures.Peek() + options.Value.FailedSignInWindow - now : null;
        }
    }

    public void RecordFailure(IPAddress? address)
    {
        if (address is null) return;
        var failures = _failures.GetOrAdd(address, _ => new Queue<DateTimeOffset>());
        lock (failures)
        {
            var now = time.GetUtcNow();
            Prune(failures, now);
            failures.Enqueue(now);
        }
        // Addresses whose failures have all aged out are dropped, so the table stays as small as the attack.
        if (_failures.Count > 1024)
        {
            foreach (var (key, queue) in _failures)
            {
                lock (queue)
                {
                    Prune(queue, time.GetUtcNow());
                    if (queue.Count == 0) _failures.TryRemove(new KeyValuePair<IPAddress, Queue<DateTimeOffset>>(key, queue));
                }
            }
        }
    }

    /// <summary>A correct password from the address clears its failures.</summary>
    public void RecordSuccess(IPAddress? address)
    {
        if (address is not null) _failures.TryRemove(address, out _);
    }

    /// <summary>"N minutes" or "N seconds", for messages.</summary>
    public static string Describe(TimeSpan wait) =>
        wait >= TimeSpan.FromMinutes(1) ? $"{Math.Ceiling(wait.TotalMinutes):0} minute(s)" : $"{Math.Max(1, Math.Ceiling(wait.TotalSeconds)):0} second(s)";

    private void Prune(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && failures.Peek() + options.Value.FailedSignInWindow <= now)
            failures.Dequeue();
    }
}
