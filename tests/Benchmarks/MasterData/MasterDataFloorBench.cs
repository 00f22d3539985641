using System.Diagnostics;
using System.IO.Compression;
using BitsoWorkflows.Activities.MasterData;
using BitsoWorkflows.Activities.MasterData.Snapshots;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Benchmarks.MasterData;

/// <summary>
/// <c>dotnet run -c Release --project tests/Benchmarks -- master-data-floor [--deposits 1000000] [--events 5000000] [--memory-limit-mib 640]</c>:
/// the part of a full load that is DuckDB's own work, on the <c>master-data</c> bench's snapshot, with the warehouse's
/// settings. The facts are written straight from DuckDB's parallel <c>read_csv</c> with none of the loads' work: no
/// cleaning, no quarantine of bad rows (a row DuckDB cannot cast is skipped), no last-row-wins deduplication, no
/// window, time taken from the first 19 characters of the timestamp (its fraction and offset dropped). Then the
/// product's own <see cref="ModelBuilder"/> and <see cref="WarehousePublisher"/> run on those facts, as after a
/// first load. The events' two steps, the model and the publish are the floor: DuckDB keeps the machine's cores busy in
/// each, so a full load doing everything the product promises needs at least their CPU time spread over the cores. The
/// deposits' step is shown beside it, not in it: DuckDB's parse of DECIMAL(38,18) is slower than the product's own
/// staging of them.
/// </summary>
public static class MasterDataFloorBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (MasterDataBenchSetup.Create(args, "bw-master-floor-") is not { } setup) return 2;
        var (time, root, dataDirectory, options) = (setup.Time, setup.Root, setup.DataDirectory, setup.Options);
        var floorSeconds = 0.0;
        var floorCpu = TimeSpan.Zero;
        try
        {
            var (snapshotDir, _) = await setup.WriteSnapshotAsync(args);
            var day = setup.Yesterday.AddDays(-1);
            using var database = new WarehouseDatabase(dataDirectory, options);
            var total = Stopwatch.StartNew();
            var totalCpu = MasterDataBench.Cpu();
            Console.WriteLine();

            var deposits = Path.Combine(root, "deposits.csv");
            await Step("inflate the deposits' zip", async () =>
            {
                using var zip = ZipFile.OpenRead(Path.Combine(snapshotDir, SnapshotLayout.FileName(SnapshotSource.Deposits) + ".zip"));
                await using var entry = await zip.Entries.Single().OpenAsync();
                await using var file = File.Create(deposits);
                await entry.CopyToAsync(file);
            });
            await using (var connection = await database.OpenAsync(CancellationToken.None))
            {
                string Csv(SnapshotSource source, string columns) =>
                    $"read_csv('{(source == SnapshotSource.Deposits ? deposits : Path.Combine(snapshotDir, SnapshotLayout.FileName(source)))}', header = true, ignore_errors = true, columns = {{{columns}}})";
                const string Time = "TRY_CAST(substr(event_timestamp, 1, 19) AS TIMESTAMP)";
                await Step("read the events into a temporary table", () => Execute(connection, $"""
                    CREATE TEMP TABLE ev AS
                    SELECT id, {Time} AS occurred_at, user_id, event_name
                    FROM {Csv(SnapshotSource.Events, "'id': 'VARCHAR', 'event_timestamp': 'VARCHAR', 'user_id': 'VARCHAR', 'event_name': 'VARCHAR'")};
                    """), floor: true);
                await Step("write fct_login and fct_user_event", () => Execute(connection, """
                    INSERT INTO fct_login SELECT id, user_id, occurred_at, CAST(occurred_at AS DATE) FROM ev
                    WHERE event_name = 'login' AND occurred_at IS NOT NULL AND id IS NOT NULL AND user_id IS NOT NULL;
                    INSERT INTO fct_user_event SELECT id, user_id, event_name, occurred_at, CAST(occurred_at AS DATE) FROM ev
                    WHERE event_name <> 'login' AND occurred_at IS NOT NULL AND id IS NOT NULL AND user_id IS NOT NULL;
                    DROP TABLE ev;
                    """), floor: true);
                await Step("write fct_transaction from read_csv", () => Execute(connection, $"""
                    INSERT INTO fct_transaction
                    SELECT 'deposit', id, user_id, {Time}, CAST({Time} AS DATE), tx_status, amount, currency, NULL, amount <= 0
                    FROM {Csv(SnapshotSource.Deposits, "'id': 'VARCHAR', 'event_timestamp': 'VARCHAR', 'user_id': 'VARCHAR', 'amount': 'DECIMAL(38,18)', 'currency': 'VARCHAR', 'tx_status': 'VARCHAR'")}
                    WHERE {Time} IS NOT NULL AND id IS NOT NULL AND user_id IS NOT NULL AND amount IS NOT NULL AND currency IS NOT NULL AND tx_status IS NOT NULL;
                    INSERT INTO fct_transaction
                    SELECT 'withdrawal', id, user_id, {Time}, CAST({Time} AS DATE), tx_status, amount, currency, interface, amount <= 0
                    FROM {Csv(SnapshotSource.Withdrawals, "'id': 'VARCHAR', 'event_timestamp': 'VARCHAR', 'user_id': 'VARCHAR', 'amount': 'DECIMAL(38,18)', 'interface': 'VARCHAR', 'currency': 'VARCHAR', 'tx_status': 'VARCHAR'")}
                    WHERE {Time} IS NOT NULL AND id IS NOT NULL AND user_id IS NOT NULL AND amount IS NOT NULL AND currency IS NOT NULL AND tx_status IS NOT NULL;
                    INSERT INTO src_user_snapshot SELECT user_id FROM {Csv(SnapshotSource.Users, "'user_id': 'VARCHAR'")} WHERE user_id IS NOT NULL;
                    """));
                // What a first load of each source queues for the model and the publish (SourceMerger's fast path).
                await Step("queue the users and months", () => Execute(connection, """
                    INSERT INTO etl_pending SELECT user_id, min(date_key) FROM fct_transaction GROUP BY user_id;
                    INSERT INTO etl_pending SELECT user_id, min(date_key) FROM (SELECT user_id, date_key FROM fct_login UNION ALL SELECT user_id, NULL FROM fct_user_event) GROUP BY user_id;
                    INSERT INTO etl_pending SELECT user_id, NULL FROM src_user_snapshot;
                    INSERT INTO etl_publish_pending SELECT DISTINCT 'fct_transaction', date_trunc('month', date_key) FROM fct_transaction;
                    INSERT INTO etl_publish_pending
                    SELECT t.name, m.month
                    FROM (SELECT DISTINCT date_trunc('month', d) AS month FROM (SELECT date_key AS d FROM fct_login UNION ALL SELECT date_key FROM fct_user_event)) m,
                         (VALUES ('fct_login'), ('fct_user_event')) t(name);
                    """));
            }
            await Step("the model (ModelBuilder)", () => new ModelBuilder(database, time).BuildAsync(day, "floor", CancellationToken.None), floor: true);
            await Step("the publish (WarehousePublisher)", () => new WarehousePublisher(database, dataDirectory, options).PublishAsync(CancellationToken.None), floor: true);
            Console.WriteLine($"{floorSeconds,6:F2} s wall {floorCpu.TotalSeconds,6:F1} s CPU  the floor: the events read and written, the model and the publish ({floorCpu.TotalSeconds / Environment.ProcessorCount:F2} s on {Environment.ProcessorCount} cores kept busy)");

            Console.WriteLine($"{total.Elapsed.TotalSeconds,6:F2} s wall {(MasterDataBench.Cpu() - totalCpu).TotalSeconds,6:F1} s CPU  DuckDB's share of a full load, without the loads' work; peak working set {MasterDataBench.PeakMiB():F0} MiB");
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        async Task Step(string label, Func<Task> step, bool floor = false)
        {
            var watch = Stopwatch.StartNew();
            var cpu = MasterDataBench.Cpu();
            await step();
            if (floor)
            {
                floorSeconds += watch.Elapsed.TotalSeconds;
                floorCpu += MasterDataBench.Cpu() - cpu;
            }
            Console.WriteLine($"{watch.Elapsed.TotalSeconds,6:F2} s wall {(MasterDataBench.Cpu() - cpu).TotalSeconds,6:F1} s CPU  {label}{(floor ? "  (floor)" : "")}");
        }

        static async Task Execute(DuckDBConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}
