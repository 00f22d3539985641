namespace BitsoWorkflows.Activities.MarketData.Bitso;

/// <summary>
/// Keeps the requests to one Bitso budget under its per-minute limit, and stops all requests during a lockout.
/// Bitso counts fixed one-minute windows whose alignment the client cannot see, so this limiter keeps at most
/// <c>limit</c> grants in every rolling 60 s: that is never more than the limit in any fixed window, whatever its
/// alignment. After a rate-limit answer (429, 420, code 08xx) it refuses everything for the lockout, doubling the
/// lockout on consecutive rate-limit answers (Bitso escalates repeated lockouts to a 24 h block).
/// </summary>
public sealed class BitsoRateLimiter(int limit, TimeSpan lockout, TimeSpan maxLockout, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset> _grants = new();
    private DateTimeOffset _lockedUntil = DateTimeOffset.MinValue;
    private int _consecutiveLockouts;

    public int Limit { get; } = limit > 0 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be positive.");

    /// <summary>The end of the current lockout, or null when not locked out.</summary>
    public DateTimeOffset? LockedUntil
    {
        get
        {
            lock (_lock) return _lockedUntil > time.GetUtcNow() ? _lockedUntil : null;
        }
    }

    /// <summary>Takes one request from the budget if it is available now; otherwise says how long until it may be.</summary>
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (now < _lockedUntil)
            {
                retryAfter = _lockedUntil - now;
                return false;
            }
            while (_grants.Count > 0 && _grants.Peek() + Window <= now)
                _grants.Dequeue();
            if (_grants.Count < Limit)
            {
                _grants.Enqueue(now);
                retryAfter = TimeSpan.Zero;
                return true;
            }
            retryAfter = _grants.Peek() + Window - now;
            return false;
        }
    }

    /// <summary>Waits until a request may be made, then takes it from the budget.</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (!TryAcquire(out var retryAfter))
            await Task.Delay(retryAfter, time, cancellationToken);
    }

    /// <summary>Bitso answered "rate limited": refuse every request until the (escalating) lockout is over.</summary>
    public void ReportRateLimited()
    {
        lock (_lock)
        {
            var factor = Math.Pow(2, Math.Min(_consecutiveLockouts, 10));
            var duration = TimeSpan.FromTicks((long)Math.Min(lockout.Ticks * factor, maxLockout.Ticks));
            _lockedUntil = time.GetUtcNow() + duration;
            _consecutiveLockouts++;
        }
    }

    /// <summary>A request went through without a rate-limit answer: the lockout escalation starts over.</summary>
    public void ReportAccepted()
    {
        lock (_lock) _consecutiveLockouts = 0;
    }
}
