namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>Polls until a condition holds, up to a generous deadline, then fails saying what it saw.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var seen = await probe();
            if (done(seen)) return seen;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {seconds} s for {what}; last saw: {seen}");
            await Task.Delay(200);
        }
    }
}
