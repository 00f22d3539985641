namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Interrupts a connection's query once asked to, and again every <see cref="Interval"/> until disposed. DuckDB drops
/// an interrupt that arrives while no query runs (a timeout that fires while the views are set up or the guard reads
/// the statement), so a single interrupt could let the query that starts a moment later run unbounded.
/// </summary>
internal sealed class QueryInterrupter(Action interrupt) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private Timer? _timer;
    private bool _stopped;

    /// <summary>Starts interrupting (idempotent).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_stopped || _timer is not null) return;
            _timer = new Timer(_ => Interrupt(), null, TimeSpan.Zero, Interval);
        }
    }

    public void Dispose()
    {
        Timer? timer;
        lock (_gate)
        {
            _stopped = true;
            timer = _timer;
        }
        timer?.Dispose();
    }

    private void Interrupt()
    {
        // Under the lock, so no interrupt reaches the connection once the query is over and the command disposed.
        lock (_gate)
        {
            if (!_stopped) interrupt();
        }
    }
}
