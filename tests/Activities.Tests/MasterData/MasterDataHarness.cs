using System.Text;
using System.Text.Json;
using BitsoWorkflows.Activities.MasterData;
using BitsoWorkflows.Activities.MasterData.Generation;
using BitsoWorkflows.Activities.MasterData.Questions;
using BitsoWorkflows.Activities.MasterData.Snapshots;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Activities.Tests.MasterData;

/// <summary>A temp data dir with a real DuckDB warehouse and the master-data services; runs the daily workflow's activities in DAG order.</summary>
public sealed class MasterDataHarness : IDisposable
{
    /// <param name="threads">The warehouse's DuckDB threads (<see cref="MasterDataOptions.Threads"/>; 0: one per core).</param>
    public MasterDataHarness(DateTimeOffset? now = null, int threads = 0)
    {
        Root = Path.Combine(Path.GetTempPath(), "bw-master-" + Guid.NewGuid().ToString("N"));
        Time = new FakeTimeProvider(now ?? new DateTimeOffset(2024, 3, 10, 6, 0, 0, TimeSpan.Zero));
        DataDirectory = new DataDirectory(Path.Combine(Root, "data"));
        var options = Options.Create(new MasterDataOptions { Threads = threads });
        Database = new WarehouseDatabase(DataDirectory, options);
        Extractor = new SnapshotExtractor(new HttpClient(), DataDirectory, options, Time);
        Loader = new SourceLoader(Database, Time);
        Builder = new ModelBuilder(Database, Time);
        Publisher = new WarehousePublisher(Database, DataDirectory, options);
        Answers = new AnswerService(Database);
        Catalog = new WarehouseInventory(Database);
        Generator = new SnapshotGenerator(Time);
    }

    public string Root { get; }

    public FakeTimeProvider Time { get; }

    public DataDirectory DataDirectory { get; }

    public WarehouseDatabase Database { get; }

    public SnapshotExtractor Extractor { get; }

    public SourceLoader Loader { get; }

    public ModelBuilder Builder { get; }

    public WarehousePublisher Publisher { get; }

    public AnswerService Answers { get; }

    public WarehouseInventory Catalog { get; }

    public SnapshotGenerator Generator { get; }

    /// <summary>A snapshot folder with the given lines per file (header included); a file not given gets only its header.</summary>
    public string WriteSnapshot(string name, string[]? users = null, string[]? deposits = null, string[]? withdrawals = null, string[]? events = null)
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        void Write(SnapshotSource source, string[]? lines) =>
            File.WriteAllText(Path.Combine(dir, SnapshotLayout.FileName(source)),
                string.Join("\n", lines ?? [string.Join(",", SnapshotLayout.Columns(source))]) + "\n", new UTF8Encoding(false));
        Write(SnapshotSource.Users, users);
        Write(SnapshotSource.Deposits, deposits);
        Write(SnapshotSource.Withdrawals, withdrawals);
        Write(SnapshotSource.Events, events);
        return dir;
    }

    /// <summary>Runs extract → the four loads in parallel → model → publish for the UTC day, as the workflow does.</summary>
    public async Task<DayRun> RunDayAsync(string sourceDir, DateOnly day, int lookbackDays = 3, bool force = false, double maxRejectShare = 0.05)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var run = new RunInfo("run-" + day.ToString("yyyyMMdd"), "master-data-daily", 1, TriggerKind.Manual, start, new DataInterval(start, start.AddDays(1)), new Dictionary<string, JsonElement>());
        var journal = new TestJournal();
        var extract = await new ExtractMasterSnapshots(Extractor).ExecuteAsync(
            new ActivityContext<ExtractMasterSnapshotsInput>(new ExtractMasterSnapshotsInput { SourceDir = sourceDir }, run, "extract", 1, journal), CancellationToken.None);
        var loads = await Task.WhenAll(SnapshotLayout.All.Select(source => new LoadMasterSnapshot(Loader).ExecuteAsync(
            new ActivityContext<LoadMasterSnapshotInput>(new LoadMasterSnapshotInput
            {
                Source = SnapshotLayout.Name(source),
                ManifestPath = extract.ManifestPath,
                LookbackDays = lookbackDays,
                MaxRejectShare = maxRejectShare,
                Force = force,
            }, run, "load-" + SnapshotLayout.Name(source), 1, journal), CancellationToken.None)));
        var model = await new BuildMasterModel(Builder).ExecuteAsync(new ActivityContext<NoInput>(new NoInput(), run, "build-model", 1, journal), CancellationToken.None);
        var publish = await new PublishWarehouse(Publisher).ExecuteAsync(new ActivityContext<NoInput>(new NoInput(), run, "publish", 1, journal), CancellationToken.None);
        return new DayRun(extract, loads.ToDictionary(l => l.Source), model, publish, journal);
    }

    /// <summary>
    /// The loads and the model of one day without the workflow around them (no manifest, no publish): what the
    /// property tests repeat hundreds of times.
    /// </summary>
    public async Task LoadDayAsync(IReadOnlyList<SnapshotFile> files, DateOnly day, int lookbackDays, bool force = false)
    {
        var runId = "run-" + day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        await Task.WhenAll(files.Select(f => Loader.LoadAsync(f, day, lookbackDays, maxRejectShare: 1, force, runId, CancellationToken.None)));
        await Builder.BuildAsync(day, runId, CancellationToken.None);
    }

    /// <summary>The snapshot files of a folder written by <see cref="WriteSnapshot"/>, fingerprinted as the extract step does.</summary>
    public static async Task<IReadOnlyList<SnapshotFile>> DescribeAsync(string directory) =>
        await Task.WhenAll(SnapshotLayout.All.Select(source => SnapshotReader.DescribeAsync(source, SnapshotLayout.Find(directory, source)!, CancellationToken.None)));

    /// <summary>Every model table's rows in natural-key order, as text: equal dumps mean equal warehouses.</summary>
    public async Task<string> DumpModelAsync()
    {
        var text = new StringBuilder();
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        foreach (var table in WarehouseSchema.ModelTables.Append("etl_rejects"))
        {
            text.AppendLine("## " + table);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY {WarehouseSchema.OrderBy(table)}";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                    text.Append(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// Derives <c>dim_user</c> and <c>fct_user_daily</c> again from nothing but the facts and the user snapshot: both
    /// emptied, every user queued from its first day. What the model built incrementally, run after run, must equal.
    /// </summary>
    public async Task RebuildModelFromFactsAsync()
    {
        await using (var connection = await Database.OpenAsync(CancellationToken.None))
            await connection.ExecuteAsync("""
                DELETE FROM dim_user;
                DELETE FROM fct_user_daily;
                DELETE FROM etl_pending;
                INSERT INTO etl_pending
                SELECT user_id, min(date_key) FROM (
                    SELECT user_id, date_key FROM fct_transaction UNION ALL SELECT user_id, date_key FROM fct_login
                    UNION ALL SELECT user_id, NULL FROM fct_user_event UNION ALL SELECT user_id, NULL FROM src_user_snapshot)
                GROUP BY user_id;
                """, CancellationToken.None);
        await Builder.BuildAsync(DateOnly.MinValue, "rebuild", CancellationToken.None);
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return await connection.ScalarAsync<T>(sql, CancellationToken.None);
    }

    public async Task<List<object?[]>> RowsAsync(string sql)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public Task<AnswerResult> AnswerAsync(string question, AnswerArguments arguments) => Answers.AnswerAsync(question, arguments, CancellationToken.None);

    public void Dispose()
    {
        Database.Dispose(); // closes the instance it keeps open between uses
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped by DuckDB on a slow close; the OS temp cleaner takes it.
        }
    }
}

public sealed record DayRun(ExtractMasterSnapshotsOutput Extract, IReadOnlyDictionary<string, LoadMasterSnapshotOutput> Loads, BuildMasterModelOutput Model, PublishWarehouseOutput Publish, TestJournal Journal);
