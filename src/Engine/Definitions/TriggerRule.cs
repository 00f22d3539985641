using System.Text.Json.Serialization;

namespace BitsoWorkflows.Engine.Definitions;

/// <summary>
/// When an activity runs, given the states of its upstream activities (Airflow's trigger rules). An upstream that
/// failed, timed out or was cancelled counts as failed; an edge whose <c>when</c> is false counts as skipped.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<TriggerRule>))]
public enum TriggerRule
{
    /// <summary>Every upstream succeeded (the default). A failed upstream makes it upstream_failed, a skipped one skipped.</summary>
    [JsonStringEnumMemberName("all_success")]
    AllSuccess,

    /// <summary>Every upstream finished, whatever its state.</summary>
    [JsonStringEnumMemberName("all_done")]
    AllDone,

    /// <summary>Every upstream failed or is upstream_failed; skipped once one succeeds or is skipped.</summary>
    [JsonStringEnumMemberName("all_failed")]
    AllFailed,

    /// <summary>As soon as one upstream succeeded, without waiting for the others.</summary>
    [JsonStringEnumMemberName("one_success")]
    OneSuccess,

    /// <summary>As soon as one upstream failed, without waiting for the others.</summary>
    [JsonStringEnumMemberName("one_failed")]
    OneFailed,

    /// <summary>No upstream failed: each succeeded or was skipped.</summary>
    [JsonStringEnumMemberName("none_failed")]
    NoneFailed,

    /// <summary>No upstream was skipped: each succeeded, failed or is upstream_failed.</summary>
    [JsonStringEnumMemberName("none_skipped")]
    NoneSkipped,

    /// <summary>At the start of the run, without waiting for any upstream.</summary>
    [JsonStringEnumMemberName("always")]
    Always,
}
