namespace BitsoWorkflows.Engine.Execution;

/// <summary>Counts a workflow's active runs against its <c>maxActiveRuns</c>; waiters enter in arrival order.</summary>
internal sealed class ActiveRunGate
{
    private readonly Queue<(int Limit, TaskCompletionSource Entered)> _waiters = new();
    private int _active;

    public bool TryEnter(int limit)
    {
        lock (_waiters)
        {
            if (_active >= limit || _waiters.Count > 0) return false;
            _active++;
            return true;
        }
    }

    public async Task EnterAsync(int limit, CancellationToken cancellationToken)
    {
        TaskCompletionSource entered;
        lock (_waiters)
        {
            if (_active < limit && _waiters.Count == 0)
            {
                _active++;
                return;
            }
            entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue((limit, entered));
        }
        await using (cancellationToken.Register(() => entered.TrySetCanceled(cancellationToken)))
            await entered.Task;
    }

    public void Exit()
    {
        lock (_waiters)
        {
            _active--;
            while (_waiters.Count > 0 && _active < _waiters.Peek().Limit)
            {
                var (_, entered) = _waiters.Dequeue();
                if (entered.TrySetResult()) _active++;
            }
        }
    }
}
