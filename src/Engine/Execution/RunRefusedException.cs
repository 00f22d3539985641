namespace BitsoWorkflows.Engine.Execution;

/// <summary>Why a request about runs was refused; each surface maps it once (API status, CLI exit code, Studio message).</summary>
public enum RefusalKind
{
    /// <summary>The input is wrong: bad params, a logical time off the schedule, an empty reason (HTTP 400).</summary>
    Invalid,

    /// <summary>The workflow, run or activity does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>The input is fine but the state forbids it: a run still going, a status it already has (HTTP 409).</summary>
    Conflict,
}

/// <summary>A request about runs the engine refuses, with what kind of refusal it is.</summary>
public abstract class RunRefusedException(string message, RefusalKind kind) : Exception(message)
{
    public RefusalKind Kind { get; } = kind;

    public bool NotFound => Kind == RefusalKind.NotFound;
}
