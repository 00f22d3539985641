namespace BitsoWorkflows.Engine.ActivityModel;

/// <summary>
/// An activity that waits for a condition (Airflow's sensor). The engine calls <see cref="PokeAsync"/> every
/// <c>sensor.pokeInterval</c> of the definition until it answers ready or <c>sensor.timeout</c> has passed since the
/// first poke of the run; then the activity fails (timed out), or is skipped with <c>sensor.softFail</c>. Between pokes
/// it holds no thread (an awaited timer), and a wait survives a restart of the server: the run resumes at the next
/// start, and the timeout still counts from the first poke.
/// </summary>
/// <remarks>A poke must be quick and side-effect free: it only looks. Anything thrown fails the attempt as with any activity.</remarks>
public abstract class Sensor<TInput, TOutput> : Activity<TInput, TOutput>
    where TInput : class, new()
{
    /// <summary>Looks once: <see cref="Ready"/> with the output, or <see cref="NotYet"/> with what is missing.</summary>
    public abstract Task<SensorPoke<TOutput>> PokeAsync(ActivityContext<TInput> context, CancellationToken cancellationToken);

    /// <summary>The condition holds: the activity succeeds with this output.</summary>
    protected SensorPoke<TOutput> Ready(TOutput output) => new(true, output, "");

    /// <summary>Not yet; <paramref name="reason"/> says what is missing (e.g. "143 of 144 files"), for the journal.</summary>
    protected SensorPoke<TOutput> NotYet(string reason) => new(false, default, reason);

    public sealed override async Task<TOutput> ExecuteAsync(ActivityContext<TInput> context, CancellationToken cancellationToken)
    {
        var poke = await PokeAsync(context, cancellationToken);
        return poke.IsReady ? poke.Output! : throw new SensorNotReadyException(poke.Reason);
    }
}

/// <summary>The answer of one poke of a <see cref="Sensor{TInput, TOutput}"/>.</summary>
public sealed record SensorPoke<TOutput>
{
    internal SensorPoke(bool isReady, TOutput? output, string reason) => (IsReady, Output, Reason) = (isReady, output, reason);

    public bool IsReady { get; }

    public TOutput? Output { get; }

    /// <summary>What the sensor still waits for, for the journal (e.g. "143 of 144 files").</summary>
    public string Reason { get; }
}

/// <summary>How a sensor tells the engine "not yet"; the engine schedules the next poke.</summary>
internal sealed class SensorNotReadyException(string reason) : Exception(reason);
