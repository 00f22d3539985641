namespace BitsoWorkflows.Engine.Execution;

/// <summary>The half-open span [Start, End) of data a run covers (Airflow's data interval). Always UTC.</summary>
public readonly record struct DataInterval(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Length => End - Start;

    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    public override string ToString() => $"[{Start:yyyy-MM-ddTHH:mm:ssZ}, {End:yyyy-MM-ddTHH:mm:ssZ})";
}
