namespace BitsoWorkflows.Engine.Definitions;

/// <summary>How a sensor activity waits (Airflow's <c>poke_interval</c>, <c>timeout</c>, <c>soft_fail</c>).</summary>
public sealed record SensorDefinition
{
    public static readonly TimeSpan DefaultPokeInterval = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromDays(1);

    /// <summary>Time between two pokes (<c>hh:mm:ss[.fff]</c>); one minute when absent.</summary>
    public string? PokeInterval { get; init; }

    /// <summary>How long after its first poke the sensor gives up (<c>[d.]hh:mm:ss</c>); one day when absent.</summary>
    public string? Timeout { get; init; }

    /// <summary>On timeout, end <c>skipped</c> instead of failing, so that what depends on it is skipped too.</summary>
    public bool SoftFail { get; init; }

    public TimeSpan PokeIntervalValue => DefinitionJson.ParseDuration(PokeInterval) ?? DefaultPokeInterval;

    public TimeSpan TimeoutValue => DefinitionJson.ParseDuration(Timeout) ?? DefaultTimeout;
}
