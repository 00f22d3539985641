using System.Collections.Concurrent;
using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Engine.Tests.Support;

/// <summary>What probes saw: which activity ran when, to check order and parallelism.</summary>
public sealed class ProbeLog
{
    public ConcurrentQueue<(string Name, DateTimeOffset Start, DateTimeOffset End)> Entries { get; } = new();

    public ConcurrentDictionary<string, int> Attempts { get; } = new();
}

[Activity("Probe", Description = "Test: waits, then records its start and end.")]
public sealed class ProbeActivity(ProbeLog log) : Activity<ProbeInput, ProbeOutput>
{
    public override async Task<ProbeOutput> ExecuteAsync(ActivityContext<ProbeInput> context, CancellationToken cancellationToken)
    {
        var start = DateTimeOffset.UtcNow;
        await Task.Delay(context.Input.DelayMs, cancellationToken);
        log.Entries.Enqueue((context.ActivityId, start, DateTimeOffset.UtcNow));
        return new ProbeOutput { Name = context.ActivityId, Value = context.Input.Value };
    }
}

public sealed class ProbeInput
{
    [Input(Description = "Milliseconds to wait.")]
    public int DelayMs { get; init; }

    [Input(Description = "A number passed through to the output.")]
    public int Value { get; init; }
}

public sealed class ProbeOutput
{
    [Output(Description = "The activity id.")]
    public string Name { get; init; } = "";

    [Output(Description = "The input value.")]
    public int Value { get; init; }
}

[Activity("Sum", Description = "Test: adds numbers.")]
public sealed class SumActivity : Activity<SumInput, SumOutput>
{
    public override Task<SumOutput> ExecuteAsync(ActivityContext<SumInput> context, CancellationToken cancellationToken) =>
        Task.FromResult(new SumOutput { Total = context.Input.Values.Sum(), Label = context.Input.Label });
}

public sealed class SumInput
{
    [Input(Description = "Numbers to add.", Required = true)]
    public int[] Values { get; init; } = [];

    [Input(Description = "Carried to the output.")]
    public string Label { get; init; } = "";
}

public sealed class SumOutput
{
    [Output(Description = "The sum.")]
    public int Total { get; init; }

    [Output(Description = "The label.")]
    public string Label { get; init; } = "";
}

[Activity("Flaky", Description = "Test: fails a given number of times, then succeeds.")]
public sealed class FlakyActivity(ProbeLog log) : Activity<FlakyInput, FlakyOutput>
{
    public override Task<FlakyOutput> ExecuteAsync(ActivityContext<FlakyInput> context, CancellationToken cancellationToken)
    {
        var attempts = log.Attempts.AddOrUpdate(context.Input.Key.Length > 0 ? context.Input.Key : context.Run.RunId + context.ActivityId, 1, (_, n) => n + 1);
        context.Journal.Info($"attempt {attempts}");
        if (attempts <= context.Input.FailTimes) throw new InvalidOperationException($"flaky failure {attempts}");
        return Task.FromResult(new FlakyOutput { Attempts = attempts });
    }
}

public sealed class FlakyInput
{
    [Input(Description = "How many attempts fail before one succeeds.")]
    public int FailTimes { get; init; }

    [Input(Description = "Counts attempts under this key across runs (default: per run and activity).")]
    public string Key { get; init; } = "";
}

public sealed class FlakyOutput
{
    [Output(Description = "Attempts it took.")]
    public int Attempts { get; init; }
}

[Activity("Stubborn", Description = "Test: waits without listening to cancellation.")]
public sealed class StubbornActivity : Activity<ProbeInput, NoOutput>
{
    public override async Task<NoOutput> ExecuteAsync(ActivityContext<ProbeInput> context, CancellationToken cancellationToken)
    {
        await Task.Delay(context.Input.DelayMs, CancellationToken.None);
        return NoOutput.Instance;
    }
}

[Activity("Login", Description = "Test: takes a secret.")]
public sealed class LoginActivity : Activity<LoginInput, SumOutput>
{
    public override Task<SumOutput> ExecuteAsync(ActivityContext<LoginInput> context, CancellationToken cancellationToken) =>
        Task.FromResult(new SumOutput { Total = context.Input.Password.Length });
}

public sealed class LoginInput
{
    [Input(Description = "User.")]
    public string User { get; init; } = "";

    [Input(Description = "Password.", Secret = true)]
    public string Password { get; init; } = "";
}

[Activity("Refuse", Description = "Test: fails with an explained, deterministic failure.")]
public sealed class RefuseActivity(ProbeLog log) : Activity<ProbeInput, NoOutput>
{
    public override Task<NoOutput> ExecuteAsync(ActivityContext<ProbeInput> context, CancellationToken cancellationToken)
    {
        log.Attempts.AddOrUpdate("refuse", 1, (_, n) => n + 1);
        throw new ActivityFailedException("the window has not ended yet");
    }
}
