using System.Diagnostics;
using System.Globalization;
using BitsoWorkflows.Activities.MasterData;
using BitsoWorkflows.Activities.MasterData.Questions;
using BitsoWorkflows.Activities.MasterData.Snapshots;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Server.Output;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Benchmarks.MasterData;

/// <summary>
/// <c>dotnet run -c Release --project tests/Benchmarks -- master-data [--deposits 1000000] [--events 5000000] [--memory-limit-mib 640] [--keep]</c>:
/// a full load of the real users and withdrawals (from ../shared/data) plus generated deposits and events, one daily
/// incremental run, an unchanged-snapshot run, each question (median of 5, opening the file for each and with the instance
/// kept open), and the process's peak memory.
/// </summary>
public static class MasterDataBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var keep = args.Contains("--keep");
        if (MasterDataBenchSetup.Create(args, "bw-master-bench-") is not { } setup) return 2;
        var (time, root, dataDirectory, options) = (setup.Time, setup.Root, setup.DataDirectory, setup.Options);
        // Each run opens the warehouse as a run a day after the last does: the instance closed, its buffer pool cold
        // (it stays open only MasterData:KeepOpen after the last open). The process and its compiled code are warm.
        var database = new WarehouseDatabase(dataDirectory, options);
        var extractor = new SnapshotExtractor(new HttpClient(), dataDirectory, options, time);

        try
        {
            var (snapshotDir, userIds) = await setup.WriteSnapshotAsync(args);
            var yesterday = setup.Yesterday;
            var full = await RunDayAsync("full load (empty warehouse)", snapshotDir, yesterday.AddDays(-1), force: false);
            var daily = await RunDayAsync("daily incremental (next day, lookback 3)", snapshotDir, yesterday, force: false);
            var unchanged = await RunDayAsync("unchanged snapshot (same day again)", snapshotDir, yesterday, force: false);

            // Questions both ways: "cold", each opening and closing the file (as the CLI does, and the server after the
            // warehouse was idle for MasterData:KeepOpen), and "kept open", asked within KeepOpen of the last open.
            database.Dispose();
            using var coldDatabase = new WarehouseDatabase(dataDirectory, Options.Create(new MasterDataOptions { MemoryLimitMiB = options.Value.MemoryLimitMiB, KeepOpen = TimeSpan.Zero }));
            using var warmDatabase = new WarehouseDatabase(dataDirectory, options);
            var cold = new AnswerService(coldDatabase);
            var warm = new AnswerService(warmDatabase);
            Console.WriteLine();
            Console.WriteLine("question                 cold: median of 5, each opening the file      kept open: median of 5");
            var arguments = new Dictionary<string, AnswerArguments>
            {
                ["active-users"] = new() { Date = yesterday },
                ["users-without-deposit"] = new(),
                ["frequent-depositors"] = new() { Date = yesterday },
                ["last-login"] = new() { User = userIds[0] },
                ["login-count"] = new() { User = userIds[0], From = yesterday.AddDays(-30), To = yesterday },
                ["deposit-currencies"] = new() { Date = yesterday },
                ["withdrawal-currencies"] = new() { Date = new DateOnly(2022, 6, 1) },
                ["deposit-total"] = new() { Date = yesterday, Currency = "mxn" },
            };
            var coldTimes = new Dictionary<string, (double Wall, double Cpu, string Shown)>();
            foreach (var (question, parameters) in arguments)
                coldTimes[question] = await MedianAsync(cold, question, parameters);
            foreach (var (question, parameters) in arguments)
            {
                var (coldWall, coldCpu, shown) = coldTimes[question];
                var (warmWall, warmCpu, _) = await MedianAsync(warm, question, parameters);
                Console.WriteLine($"{question,-24} {coldWall,8:F1} ms wall {coldCpu,8:F1} ms CPU        {warmWall,8:F1} ms wall {warmCpu,8:F1} ms CPU   ({shown})");
            }

            using var process = Process.GetCurrentProcess();
            process.Refresh();
            Console.WriteLine();
            Console.WriteLine($"full load {full:F1} s, daily {daily:F1} s, unchanged {unchanged:F2} s; peak working set {process.PeakWorkingSet64 / 1024.0 / 1024.0:F0} MiB; warehouse file {new FileInfo(database.Path).Length / 1024.0 / 1024.0:F0} MiB");
            return 0;
        }
        finally
        {
            if (keep) Console.WriteLine("kept " + root);
            else Directory.Delete(root, recursive: true);
        }

        async Task<(double Wall, double Cpu, string Shown)> MedianAsync(AnswerService service, string question, AnswerArguments parameters)
        {
            var times = new List<double>();
            var questionCpu = Cpu();
            AnswerResult? result = null;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 5; i++)
            {
                watch.Restart();
                result = await service.AnswerAsync(question, parameters, CancellationToken.None);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            var shown = result!.Scalar is { } scalar ? AnswerFormatter.Text(scalar) : $"{result.Rows.Count} rows";
            return (times[2], (Cpu() - questionCpu).TotalMilliseconds / 5, shown);
        }

        async Task<double> RunDayAsync(string label, string sourceDir, DateOnly day, bool force)
        {
            database.Dispose();
            database = new WarehouseDatabase(dataDirectory, options);
            // The real clock here, so the loads' stage and merge timings are measured; the fake one fixes the generated data.
            var loader = new SourceLoader(database, TimeProvider.System);
            var builder = new ModelBuilder(database, time);
            var publisher = new WarehousePublisher(database, dataDirectory, options);
            var total = Stopwatch.StartNew();
            var cpu = Cpu();
            var step = Stopwatch.StartNew();
            var (manifest, _) = await extractor.ExtractAsync(sourceDir, day, CancellationToken.None);
            var extract = step.Elapsed.TotalSeconds;
            step.Restart();
            // Side by side, as the workflow's four load activities run (its runner starts each on the thread pool); a
            // plain Select ran them one after another, since a DuckDB call completes before it returns its task.
            var loads = await Task.WhenAll(manifest.Files.Select(f => Task.Run(() => loader.LoadAsync(f, day, 3, 0.05, force, "bench-" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CancellationToken.None))));
            var load = step.Elapsed.TotalSeconds;
            var peakAfterLoads = PeakMiB();
            step.Restart();
            var model = await builder.BuildAsync(day, "bench", CancellationToken.None);
            var build = step.Elapsed.TotalSeconds;
            var peakBeforePublish = PeakMiB();
            step.Restart();
            var published = await publisher.PublishAsync(CancellationToken.None);
            var publish = step.Elapsed.TotalSeconds;
            var seconds = total.Elapsed.TotalSeconds;
            Console.WriteLine();
            Console.WriteLine($"{label} for {day:yyyy-MM-dd}: {seconds:F2} s wall, {(Cpu() - cpu).TotalSeconds:F1} s CPU (extract+checksums {extract:F2}, loads {load:F2}, model {build:F2}, publish {publish:F2})");
            foreach (var l in loads)
                Console.WriteLine($"  {l.Source,-12} read {l.Read,10:N0} loaded {l.Loaded,10:N0} new {l.Inserted,10:N0} changed {l.Updated,6:N0} dup {l.Duplicates,6:N0} superseded {l.Superseded,6:N0} rejected {l.Rejected,6:N0} flagged {l.Flagged,6:N0}{(l.Unchanged ? " (unchanged)" : $" stage {l.StageTime.TotalSeconds:F1} s merge {l.MergeTime.TotalSeconds:F1} s")}");
            Console.WriteLine($"  model: {model.UsersRecomputed:N0} users recomputed, {model.DailyRowsWritten:N0} daily rows written; publish {(published.Skipped ? "skipped (nothing changed)" : "wrote " + published.Files.Count + " files")}");
            Console.WriteLine($"  peak working set so far: {peakAfterLoads:F0} MiB after the loads, {peakBeforePublish:F0} MiB after the model, {PeakMiB():F0} MiB after the publish");
            return seconds;
        }
    }

    internal static double PeakMiB()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1024.0 / 1024.0;
    }

    internal static TimeSpan Cpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    internal static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
