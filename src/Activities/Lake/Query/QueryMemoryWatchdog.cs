namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Interrupts the running queries when the process has grown by more than the query memory limit since the first of
/// them started. DuckDB's <c>memory_limit</c> covers its buffers (hash tables, sorts), not the strings and lists that
/// functions build, so the process itself is watched too. Polls only while a query runs.
/// </summary>
internal sealed class QueryMemoryWatchdog(long limitBytes, TimeSpan interval) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<Running> _running = [];
    private Timer? _timer;
    private long _baseline;

    /// <summary>Watches a query until the returned handle is disposed; <paramref name="interrupt"/> is called at most once.</summary>
    public IDisposable Watch(Action interrupt)
    {
        var running = new Running(this, interrupt);
        lock (_gate)
        {
            if (_running.Count == 0)
            {
                _baseline = Environment.WorkingSet;
                _timer = new Timer(_ => Check(), null, interval, interval);
            }
            _running.Add(running);
        }
        return running;
    }

    /// <summary>True once the watchdog interrupted the query of this handle.</summary>
    public static bool Tripped(IDisposable handle) => handle is Running { Tripped: true };

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Check()
    {
        Running[] victims;
        lock (_gate)
        {
            if (_running.Count == 0 || Environment.WorkingSet - _baseline <= limitBytes)
                return;
            victims = [.. _running];
        }
        foreach (var victim in victims)
            victim.Interrupt();
    }

    private void Remove(Running running)
    {
        lock (_gate)
        {
            _running.Remove(running);
            if (_running.Count == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
    }

    private sealed class Running(QueryMemoryWatchdog owner, Action interrupt) : IDisposable
    {
        private int _tripped;

        public bool Tripped => Volatile.Read(ref _tripped) == 1;

        public void Interrupt()
        {
            if (Interlocked.Exchange(ref _tripped, 1) == 0)
                interrupt();
        }

        public void Dispose() => owner.Remove(this);
    }
}
