namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Starts work for items in their order with at most a given number going at once, and waits for all of it — the
/// throttle of catch-up and backfills.
/// </summary>
public static class RunsInOrder
{
    /// <param name="start">Starts the work of one item and returns what ends with it, or null when it started nothing (its slot is freed at once).</param>
    /// <param name="stopStarting">Once cancelled, no more items start; what was started is still awaited.</param>
    public static async Task RunAsync<T>(IEnumerable<T> items, int maxParallel, Func<T, Task<Task?>> start, CancellationToken stopStarting)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, maxParallel));
        var active = new List<Task>();
        try
        {
            foreach (var item in items)
            {
                try
                {
                    await slots.WaitAsync(stopStarting);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                Task? running;
                try
                {
                    running = await start(item);
                }
                catch
                {
                    slots.Release();
                    throw;
                }
                if (running is null) slots.Release();
                else active.Add(ReleaseWhenDoneAsync(running, slots));
            }
        }
        catch
        {
            // What was started still ends before the slots go away; the failure to start is what the caller sees.
            await Task.WhenAll(active).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            throw;
        }
        await Task.WhenAll(active);
    }

    private static async Task ReleaseWhenDoneAsync(Task running, SemaphoreSlim slots)
    {
        try
        {
            await running;
        }
        finally
        {
            slots.Release();
        }
    }
}
