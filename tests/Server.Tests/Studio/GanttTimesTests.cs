using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Studio.Components;

namespace BitsoWorkflows.Server.Tests.Studio;

public sealed class GanttTimesTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static ActivityAttemptDto Attempt(string id, int attempt, double start, double? end) =>
        new(id, "Log", attempt, ActivityStatus.Succeeded, T.AddSeconds(start), end is { } e ? T.AddSeconds(e) : null, null, null, null, null, [], null);

    private static readonly WorkflowDefinition Definition = new()
    {
        Id = "w",
        Activities = [new() { Id = "a", Type = "Log" }, new() { Id = "b", Type = "Log" }, new() { Id = "m", Type = "Log", Map = "{{ params.x }}" }, new() { Id = "j", Type = "Log" }],
        Edges = [new() { From = "a", To = "m" }, new() { From = "a", To = "j" }, new() { From = "m", To = "j" }],
    };

    [Fact]
    public void ReadyAt_IsTheRunStartTheLastUpstreamEndOrThePreviousAttemptsEnd()
    {
        List<ActivityAttemptDto> attempts =
        [
            Attempt("a", 1, 1, 2), Attempt("b", 1, 1.5, 1.6),
            Attempt("m[0]", 1, 2.1, 3), Attempt("m[1]", 1, 3.2, 4), // m[1] waited for a slot
            Attempt("j", 1, 4.5, 5), Attempt("j", 2, 6, 7),
        ];
        DateTimeOffset? Ready(int i) => GanttTimes.ReadyAt(attempts[i], attempts, Definition, T.AddSeconds(0.5));

        Assert.Equal(T.AddSeconds(0.5), Ready(0));
        Assert.Equal(T.AddSeconds(0.5), Ready(1));
        Assert.Equal(T.AddSeconds(2), Ready(2));
        Assert.Equal(T.AddSeconds(2), Ready(3));
        Assert.Equal(T.AddSeconds(4), Ready(4)); // the last of a and every instance of m
        Assert.Equal(T.AddSeconds(5), Ready(5)); // a retry: after its previous attempt
    }

    [Fact]
    public void ReadyAt_IsUnknownWithoutDefinitionOrWhileAnUpstreamRuns()
    {
        List<ActivityAttemptDto> attempts = [Attempt("a", 1, 1, 2), Attempt("m[0]", 1, 2, null), Attempt("j", 1, 3, null)];
        Assert.Null(GanttTimes.ReadyAt(attempts[1], attempts, null, T));
        Assert.Null(GanttTimes.ReadyAt(attempts[2], attempts, Definition, T));
    }
}
