namespace BitsoWorkflows.Engine.ActivityModel;

/// <summary>Marker for every activity; the registry discovers implementations of <see cref="Activity{TInput, TOutput}"/>.</summary>
public interface IActivity;

/// <summary>
/// A unit of work in a workflow. Implementations are small sealed classes with constructor-injected
/// dependencies, resolved from DI per execution. They must be idempotent per logical time: running the
/// same logical time twice leaves the same state as running it once.
/// </summary>
/// <typeparam name="TInput">A class with a public parameterless constructor whose <see cref="InputAttribute"/> properties are the inputs.</typeparam>
/// <typeparam name="TOutput">A class whose <see cref="OutputAttribute"/> properties are the outputs.</typeparam>
public abstract class Activity<TInput, TOutput> : IActivity
    where TInput : class, new()
{
    /// <summary>
    /// Does the work. Expected failures (a source that is down, a bad row) belong in the output; anything thrown
    /// fails the attempt, is recorded with its stack and is retried per the definition's retry policy — except
    /// <see cref="ActivityFailedException"/> and <see cref="ArgumentException"/>, which no retry can cure.
    /// </summary>
    public abstract Task<TOutput> ExecuteAsync(ActivityContext<TInput> context, CancellationToken cancellationToken);
}

/// <summary>Input class of an activity that takes no inputs.</summary>
public sealed class NoInput;

/// <summary>Output class of an activity that produces no outputs.</summary>
public sealed class NoOutput
{
    public static readonly NoOutput Instance = new();
}
