using System.Diagnostics;
using System.Globalization;

namespace BitsoWorkflows.Engine.Hosting;

/// <summary>
/// Named moments inside writes where the crash harness makes the process die as a crash would: SIGKILL to itself, so
/// no <c>finally</c> runs and nothing is flushed or closed. Armed only by the <see cref="Variable"/> environment
/// variable, <c>name</c> or <c>name@n</c> (die the n-th time the point is reached); unset, a point costs one comparison.
/// The names are listed in <see cref="Names"/> and in the README's crash section.
/// </summary>
public static class CrashPoint
{
    public const string Variable = "BW_CRASH_AT";

    /// <summary>Per-second run: observations committed to staging, run not yet recorded.</summary>
    public const string CaptureCommitted = "capture.committed";

    /// <summary>Lake: the window's file fully written aside, not yet renamed into place.</summary>
    public const string LakeFileWritten = "lake.file-written";

    /// <summary>Lake: the window's file renamed into place, staging not yet deleted.</summary>
    public const string LakeFileRenamed = "lake.file-renamed";

    /// <summary>Warehouse: a source merged inside its transaction, not yet committed.</summary>
    public const string WarehouseMerged = "warehouse.merged";

    /// <summary>Warehouse: the model rebuilt inside its transaction, not yet committed.</summary>
    public const string WarehouseBuilt = "warehouse.built";

    /// <summary>Warehouse publish: one Parquet file of the model written, the rest not.</summary>
    public const string WarehousePublishing = "warehouse.publishing";

    /// <summary>Backfill: one run of the backfill finished, the next not started.</summary>
    public const string BackfillBetweenRuns = "backfill.between-runs";

    /// <summary>Alert webhook: the receiver accepted the event, its delivery not yet recorded.</summary>
    public const string WebhookAccepted = "webhook.accepted";

    /// <summary>Assets: an activity that produces assets succeeded and its success is committed, its asset events not yet recorded.</summary>
    public const string AssetsProducing = "assets.producing";

    /// <summary>Every point, for the harness and the README.</summary>
    public static readonly IReadOnlyList<string> Names =
        [CaptureCommitted, LakeFileWritten, LakeFileRenamed, WarehouseMerged, WarehouseBuilt, WarehousePublishing, BackfillBetweenRuns, WebhookAccepted, AssetsProducing];

    private static readonly (string Name, int Hit)? Armed = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int _hits;

    /// <summary>Dies here when this point is armed and reached for the armed time.</summary>
    public static void Reach(string name)
    {
        if (Armed is not { } armed || !string.Equals(armed.Name, name, StringComparison.Ordinal)) return;
        if (Interlocked.Increment(ref _hits) != armed.Hit) return;
        Console.Error.WriteLine($"{Variable}: crash point {name} reached (time {armed.Hit}); killing the process");
        Console.Error.Flush();
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite); // SIGKILL is asynchronous; nothing after the point may run
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var at = value.IndexOf('@', StringComparison.Ordinal);
        var name = (at < 0 ? value : value[..at]).Trim();
        var hit = 1;
        if (!Names.Contains(name) || (at >= 0 && !(int.TryParse(value[(at + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out hit) && hit > 0)))
            throw new InvalidOperationException($"{Variable} is '{value}'; expected one of {string.Join(", ", Names)}, optionally followed by @n (n ≥ 1).");
        return (name, hit);
    }
}
