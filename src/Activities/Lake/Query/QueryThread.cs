using System.Runtime.InteropServices;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Runs a query on a thread of its own at a lower scheduling priority (Linux <c>nice</c>), so that a storm of queries
/// yields the cores to the scheduler and the per-second capture. DuckDB with one thread runs the query on the calling
/// thread; a fresh thread per query means no pooled thread is left niced afterwards (raising priority back would need
/// privileges).
/// </summary>
internal static partial class QueryThread
{
    public static Task<T> RunAsync<T>(Func<T> work, int nice)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            LowerPriority(nice);
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "lake-query",
        };
        thread.Start();
        return done.Task;
    }

    private static void LowerPriority(int nice)
    {
        if (nice <= 0 || !OperatingSystem.IsLinux())
            return;
        try
        {
            // On Linux a nice value belongs to a thread: PRIO_PROCESS with a thread id sets that thread's alone.
            _ = SetPriority(0, GetThreadId(), nice);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Without the call the query runs at normal priority; the slot and thread limits still hold.
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
