using System.Globalization;
using BitsoWorkflows.Engine.Execution;
using MudBlazor;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>How the Studio writes times, durations and statuses; every time is UTC.</summary>
public static class StudioFormat
{
    public static string Time(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "—";

    public static string Duration(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? Duration(e - s) : "—";

    public static string Duration(TimeSpan span) => Output.ValueText.Duration(span);

    /// <summary>A query result cell: <see cref="Output.ValueText.Exact"/> (<c>NULL</c> for null).</summary>
    public static string Cell(object? value) => Output.ValueText.Exact(value);

    /// <summary>True for numbers, which the result grid aligns right.</summary>
    public static bool IsNumber(object? value) => Output.ValueText.IsNumber(value);

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024:0.0} MiB",
        _ => $"{bytes / 1024.0 / 1024 / 1024:0.00} GiB",
    };

    public static string Percent(double ratio) => (ratio * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static Color StatusColor(RunStatus status) => status switch
    {
        RunStatus.Succeeded => Color.Success,
        RunStatus.Failed => Color.Error,
        RunStatus.Running => Color.Info,
        RunStatus.Cancelled or RunStatus.Interrupted => Color.Warning,
        _ => Color.Default,
    };

    public static Color StatusColor(ActivityStatus status) => status switch
    {
        ActivityStatus.Succeeded => Color.Success,
        ActivityStatus.Failed or ActivityStatus.TimedOut => Color.Error,
        ActivityStatus.Running => Color.Info,
        ActivityStatus.Cancelled or ActivityStatus.Interrupted or ActivityStatus.Skipped => Color.Warning,
        ActivityStatus.UpstreamFailed => Color.Secondary,
        _ => Color.Default,
    };

    /// <summary>An activity status as Airflow writes it: <c>upstream_failed</c>, <c>timed_out</c>, <c>skipped</c>…</summary>
    public static string Name(ActivityStatus status) => status switch
    {
        ActivityStatus.UpstreamFailed => "upstream_failed",
        ActivityStatus.TimedOut => "timed_out",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>The CSS class colouring a grid cell (see studio.css).</summary>
    public static string StatusClass(string? status) => "bw-status-" + (status?.ToLowerInvariant() ?? "none");

    /// <summary>Bar colours of the Gantt chart.</summary>
    public static string StatusFill(ActivityStatus status) => status switch
    {
        ActivityStatus.Succeeded => "#2f9e44",
        ActivityStatus.Failed or ActivityStatus.TimedOut => "#e03131",
        ActivityStatus.Running => "#74c0fc",
        ActivityStatus.Skipped => "#ffd8a8",
        ActivityStatus.UpstreamFailed => "#ffa8a8",
        _ => "#f08c00",
    };

    /// <summary>An SVG coordinate or length: invariant, at most one decimal.</summary>
    public static string SvgNumber(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
