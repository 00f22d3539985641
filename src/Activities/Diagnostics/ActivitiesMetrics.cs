using System.Diagnostics.Metrics;

namespace BitsoWorkflows.Activities.Diagnostics;

/// <summary>
/// The activities' meter, named <see cref="Name"/>: market data capture, Bitso requests, alert webhooks, lake files,
/// lake queries and warehouse loads. Static, because the clients and writers it measures are also built by hand (the
/// source selector, tests, benchmarks); the host only chooses whether to export it. Labels are bounded (book, source,
/// status, outcome), never a run id or SQL text.
/// </summary>
public static class ActivitiesMetrics
{
    public const string Name = "BitsoWorkflows.Activities";

    private static readonly Meter Meter = new(Name);

    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60, 300],
    };

    private static readonly Histogram<double> CaptureLatency = Meter.CreateHistogram(
        "market.capture.latency", "s", "From a logical second to its quote in hand, per book and source.", advice: Seconds);

    private static readonly Counter<long> Observations = Meter.CreateCounter<long>(
        "market.observations", "{observation}", "Spread observations captured, by book and status (ok, stale, crossed, empty, error).");

    private static readonly Counter<long> BitsoRequests = Meter.CreateCounter<long>(
        "bitso.requests", "{request}", "Bitso REST order-book requests, by outcome (ok, rate_limited, budget_exhausted, timeout, transient, ...).");

    private static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>(
        "market.alert.webhook.deliveries", "{delivery}", "Spread alert webhook deliveries, by outcome (delivered, failed) and whether they were redeliveries.");

    private static readonly Counter<long> LakeFiles = Meter.CreateCounter<long>(
        "lake.files.written", "{file}", "Window files put in the lake, by format.");

    private static readonly Counter<long> LakeRows = Meter.CreateCounter<long>(
        "lake.rows.written", "{row}", "Rows of the window files put in the lake, by status (ok, other).");

    private static readonly Counter<long> WarehouseRows = Meter.CreateCounter<long>(
        "warehouse.load.rows", "{row}", "Rows a master-data load read, by source and result (loaded, rejected).");

    private static readonly Histogram<double> WarehouseStage = Meter.CreateHistogram(
        "warehouse.load.duration", "s", "Time a master-data load spent per source and stage (stage, merge).", advice: Seconds);

    private static readonly Counter<long> Queries = Meter.CreateCounter<long>(
        "lake.queries", "{query}", "Lake and warehouse SQL queries, by outcome (ok, refused, invalid, failed, timed_out, out_of_memory, too_large, busy).");

    private static readonly Histogram<double> QueryDuration = Meter.CreateHistogram(
        "lake.query.duration", "s", "Time to answer a lake query, queueing included, by outcome.", advice: Seconds);

    private static long _openAlerts = -1;

    private static readonly ObservableGauge<long> OpenAlertsGauge = Meter.CreateObservableGauge(
        "market.alerts.open", ObserveOpenAlerts, "{alert}", "Spread alerts open, as this node's last alert evaluation counted them.");

    /// <summary>The open alerts the last evaluation counted; reported by <c>market.alerts.open</c>.</summary>
    public static void OpenAlerts(int count) => Interlocked.Exchange(ref _openAlerts, count);

    public static void Captured(string book, string source, string status, TimeSpan latency)
    {
        var bookTag = new KeyValuePair<string, object?>("market.book", book);
        CaptureLatency.Record(Math.Max(0, latency.TotalSeconds), bookTag, new KeyValuePair<string, object?>("market.source", source));
        Observations.Add(1, bookTag, new KeyValuePair<string, object?>("market.observation.status", status));
    }

    public static void BitsoRequest(string outcome) => BitsoRequests.Add(1, new KeyValuePair<string, object?>("bitso.outcome", outcome));

    public static void WebhookDelivered(bool delivered, bool redelivery) => WebhookDeliveries.Add(1,
        new KeyValuePair<string, object?>("delivery.outcome", delivered ? "delivered" : "failed"),
        new KeyValuePair<string, object?>("delivery.redelivery", redelivery));

    public static void LakeFileWritten(string format, int rowsOk, int rows)
    {
        LakeFiles.Add(1, new KeyValuePair<string, object?>("lake.format", format));
        LakeRows.Add(rowsOk, new KeyValuePair<string, object?>("lake.row.status", "ok"));
        LakeRows.Add(rows - rowsOk, new KeyValuePair<string, object?>("lake.row.status", "other"));
    }

    public static void WarehouseLoaded(string source, long loaded, long rejected, TimeSpan stage, TimeSpan merge)
    {
        var sourceTag = new KeyValuePair<string, object?>("warehouse.source", source);
        WarehouseRows.Add(loaded, sourceTag, new KeyValuePair<string, object?>("warehouse.row.result", "loaded"));
        WarehouseRows.Add(rejected, sourceTag, new KeyValuePair<string, object?>("warehouse.row.result", "rejected"));
        WarehouseStage.Record(stage.TotalSeconds, sourceTag, new KeyValuePair<string, object?>("warehouse.stage", "stage"));
        WarehouseStage.Record(merge.TotalSeconds, sourceTag, new KeyValuePair<string, object?>("warehouse.stage", "merge"));
    }

    public static void Queried(string outcome, TimeSpan duration)
    {
        var outcomeTag = new KeyValuePair<string, object?>("query.outcome", outcome);
        Queries.Add(1, outcomeTag);
        QueryDuration.Record(duration.TotalSeconds, outcomeTag);
    }

    private static IEnumerable<Measurement<long>> ObserveOpenAlerts()
    {
        var open = Interlocked.Read(ref _openAlerts);
        return open < 0 ? [] : [new Measurement<long>(open)];
    }

    /// <summary><c>TimedOut</c> → <c>timed_out</c>: enum names as label values.</summary>
    public static string Label<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        var label = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) label.Append('_');
            label.Append(char.ToLowerInvariant(name[i]));
        }
        return label.ToString();
    }
}
