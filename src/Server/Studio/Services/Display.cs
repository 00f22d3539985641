using System.Globalization;
using BitsoWorkflows.Engine.Execution;
using MudBlazor;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>How the Studio writes times, durations and statuses; every time is UTC.</summary>
public static class Display
{
    public static string Time(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "—";

    public static string Duration(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? Duration(e - s) : "—";

    public static string Duration(TimeSpan span) => span.TotalSeconds switch
    {
        < 1 => $"{span.TotalMilliseconds:0} ms",
        < 60 => $"{span.TotalSeconds:0.0} s",
        < 3600 => $"{(int)span.TotalMinutes} min {span.Seconds} s",
        _ => $"{(int)span.TotalHours} h {span.Minutes} min",
    };

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
        _ => Color.Default,
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
        _ => "#f08c00",
    };
}
