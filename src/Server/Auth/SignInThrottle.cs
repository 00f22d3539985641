using System.Net;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Auth;

/// <summary>
/// Slows password guessing (login form and HTTP Basic). Wrong passwords are counted per client address
/// (<see cref="SignInOptions.MaxFailedSignIns"/>) and per user name (<see cref="SignInOptions.MaxFailedSignInsPerUser"/>,
/// higher, so that one guesser cannot lock a colleague out as cheaply) within <see cref="SignInOptions.FailedSignInWindow"/>.
/// <see cref="TryBegin"/> checks and records in one step: an attempt counts as a failure from the moment it starts, and
/// only a correct password withdraws that one attempt, so concurrent guesses cannot all slip under the limit and a
/// success never erases failures recorded before it. In memory: a restart forgets, which costs a guesser a restart.
/// </summary>
public sealed class SignInThrottle(IOptions<SignInOptions> options, TimeProvider time)
{
    private const int MaxTrackedKeys = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Attempt>> _failures = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts a password attempt for <paramref name="user"/> from <paramref name="address"/>: either the attempt (already
    /// counted as a failure; call <see cref="Attempt.Succeeded"/> when the password is right) or how long to wait.
    /// </summary>
    public Attempt? TryBegin(IPAddress? address, string user, out TimeSpan wait)
    {
        var keys = Keys(address, user);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            wait = TimeSpan.Zero;
            foreach (var (key, limit) in keys)
            {
                var failures = Pruned(key, now);
                if (failures is not null && failures.Count >= limit)
                {
                    var until = failures[failures.Count - limit].At + options.Value.FailedSignInWindow - now;
                    if (until > wait) wait = until;
                }
            }
            if (wait > TimeSpan.Zero) return null;

            var attempt = new Attempt(this, keys.Select(k => k.Key).ToArray(), now);
            foreach (var (key, _) in keys)
            {
                if (!_failures.TryGetValue(key, out var failures)) _failures[key] = failures = [];
                failures.Add(attempt);
            }
            if (_failures.Count > MaxTrackedKeys) DropAged(now);
            return attempt;
        }
    }

    /// <summary>"N minutes" or "N seconds", for messages.</summary>
    public static string Describe(TimeSpan wait) =>
        wait >= TimeSpan.FromMinutes(1) ? $"{Math.Ceiling(wait.TotalMinutes):0} minute(s)" : $"{Math.Max(1, Math.Ceiling(wait.TotalSeconds)):0} second(s)";

    private (string Key, int Limit)[] Keys(IPAddress? address, string user)
    {
        var perUser = ("user:" + user, options.Value.MaxFailedSignInsPerUser);
        // Without an address (not over TCP) only the user's count applies.
        return address is null ? [perUser] : [("address:" + address, options.Value.MaxFailedSignIns), perUser];
    }

    private List<Attempt>? Pruned(string key, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var failures)) return null;
        failures.RemoveAll(a => a.At + options.Value.FailedSignInWindow <= now);
        return failures;
    }

    /// <summary>Keys whose failures have all aged out are dropped, so the table stays as small as the attack.</summary>
    private void DropAged(DateTimeOffset now)
    {
        foreach (var key in _failures.Keys.ToList())
            if (Pruned(key, now) is { Count: 0 }) _failures.Remove(key);
    }

    private void Withdraw(Attempt attempt)
    {
        lock (_gate)
        {
            foreach (var key in attempt.Keys)
                if (_failures.TryGetValue(key, out var failures)) failures.Remove(attempt);
        }
    }

    /// <summary>One password attempt, counted as a failure until <see cref="Succeeded"/> withdraws it.</summary>
    public sealed class Attempt
    {
        private readonly SignInThrottle _owner;

        internal Attempt(SignInThrottle owner, string[] keys, DateTimeOffset at)
        {
            _owner = owner;
            Keys = keys;
            At = at;
        }

        internal string[] Keys { get; }

        internal DateTimeOffset At { get; }

        /// <summary>The password was right: this attempt no longer counts (earlier failures still do).</summary>
        public void Succeeded() => _owner.Withdraw(this);
    }
}
