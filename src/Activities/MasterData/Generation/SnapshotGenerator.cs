using System.Globalization;
using System.IO.Compression;
using System.Text;
using BitsoWorkflows.Activities.MasterData.Snapshots;

namespace BitsoWorkflows.Activities.MasterData.Generation;

/// <summary>
/// Writes a realistic, seeded snapshot directory (the four files, same names and headers as the public challenge
/// snapshots) with the dirt real snapshots carry: exact duplicate rows, the same id twice with other content, statuses
/// with stray spaces and mixed case, timestamps with 0–6 fraction digits, user ids absent from the user snapshot,
/// negative, zero and absurd amounts, and unparsable fields. Event times cover the <see cref="SnapshotGeneratorOptions.HistoryDays"/>
/// days before the injected clock's now.
/// </summary>
public sealed class SnapshotGenerator(TimeProvider time)
{
    public const string ExactDuplicate = "exact_duplicate";
    public const string ConflictingVersion = "conflicting_version";
    public const string MessyStatus = "messy_status";
    public const string UnknownUser = "unknown_user";
    public const string OddAmount = "odd_amount";
    public const string Unparsable = "unparsable";

    private static readonly (string Code, double Weight, double Min, double Max, int Decimals)[] Currencies =
    [
        ("mxn", 40, 10, 50_000, 2), ("usd", 12, 1, 5_000, 2), ("btc", 9, 0.0001, 2, 8), ("brl", 8, 5, 20_000, 2),
        ("eth", 6, 0.001, 20, 8), ("usdt", 5, 1, 10_000, 6), ("ars", 3, 100, 500_000, 2), ("cop", 3, 1_000, 5_000_000, 2),
        ("xrp", 3, 1, 20_000, 6), ("ltc", 2, 0.01, 100, 8), ("dai", 2, 1, 5_000, 6), ("bat", 1.5, 1, 10_000, 6),
        ("mana", 1.5, 1, 10_000, 6), ("gnt", 1, 1, 10_000, 6), ("bch", 1, 0.001, 20, 8), ("tusd", 1, 1, 5_000, 6),
    ];

    private static readonly (string Name, double Weight)[] EventNames =
        [("login", 55), ("logout", 20), ("app_open", 10), ("2fa_enabled", 5), ("password_reset", 5), ("kyc_submitted", 5)];

    /// <summary>The folder <c>serve --demo</c> generates into: <c>demo/master-data-snapshot</c> under the data dir.</summary>
    public static string DemoFolder(BitsoWorkflows.Engine.Hosting.DataDirectory dataDirectory) => dataDirectory.Folder("demo", "master-data-snapshot");

    /// <summary>Writes the default-sized demo snapshot into <see cref="DemoFolder"/>; point the workflow's <c>sourceDir</c> at the result's directory.</summary>
    public Task<GeneratedSnapshot> WriteDemoAsync(BitsoWorkflows.Engine.Hosting.DataDirectory dataDirectory, CancellationToken cancellationToken) =>
        WriteAsync(DemoFolder(dataDirectory), new SnapshotGeneratorOptions { ZipDeposits = true }, cancellationToken);

    public async Task<GeneratedSnapshot> WriteAsync(string directory, SnapshotGeneratorOptions options, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Users);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.HistoryDays);
        if (options.DirtShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), options.DirtShare, "DirtShare must be between 0 and 1.");
        Directory.CreateDirectory(directory);
        var end = time.GetUtcNow();
        var start = end.AddDays(-options.HistoryDays);
        var random = new Random(options.Seed);
        var dirt = new Dictionary<string, long>
        {
            [ExactDuplicate] = 0,
            [ConflictingVersion] = 0,
            [MessyStatus] = 0,
            [UnknownUser] = 0,
            [OddAmount] = 0,
            [Unparsable] = 0,
        };

        string[] users = options.UserIds is { Count: > 0 } given ? [.. given] : Enumerable.Range(0, options.Users).Select(_ => HexId(random)).ToArray();
        var ghosts = Enumerable.Range(0, Math.Max(3, options.Users / 50)).Select(_ => HexId(random)).ToArray();

        await using (var writer = CreateWriter(Path.Combine(directory, SnapshotLayout.FileName(SnapshotSource.Users)), zip: false, end))
        {
            await writer.WriteLineAsync("user_id");
            await writer.WriteLineAsync(""); // the public snapshot has an empty line 2
            foreach (var user in users)
            {
                await writer.WriteLineAsync(user);
                if (random.NextDouble() < options.DirtShare / 6)
                {
                    await writer.WriteLineAsync(user);
                    dirt[ExactDuplicate]++;
                }
            }
        }

        var generator = new RowWriter(random, options.DirtShare, users, ghosts, dirt);
        await using (var writer = CreateWriter(Path.Combine(directory, SnapshotLayout.FileName(SnapshotSource.Deposits)), options.ZipDeposits, end))
            await generator.WriteTransactionsAsync(writer, withdrawals: false, options.Deposits, start, end, firstId: 1_000, cancellationToken);
        await using (var writer = CreateWriter(Path.Combine(directory, SnapshotLayout.FileName(SnapshotSource.Withdrawals)), zip: false, end))
            await generator.WriteTransactionsAsync(writer, withdrawals: true, options.Withdrawals, start, end, firstId: 1_000, cancellationToken);
        await using (var writer = CreateWriter(Path.Combine(directory, SnapshotLayout.FileName(SnapshotSource.Events)), zip: false, end))
            await generator.WriteEventsAsync(writer, options.Events, start, end, cancellationToken);

        return new GeneratedSnapshot(Path.GetFullPath(directory), dirt);
    }

    private static string HexId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static StreamWriter CreateWriter(string path, bool zip, DateTimeOffset modified)
    {
        if (!zip) return new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        File.Delete(path + ".zip");
        var archive = ZipFile.Open(path + ".zip", ZipArchiveMode.Create);
        var entry = archive.CreateEntry(Path.GetFileName(path), CompressionLevel.Fastest);
        entry.LastWriteTime = modified; // the entry's time comes from the injected clock, so the zip is reproducible
        return new ZipEntryWriter(archive, entry.Open());
    }

    private sealed class ZipEntryWriter(ZipArchive archive, Stream entry) : StreamWriter(entry, new UTF8Encoding(false), 1 << 20)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing) archive.Dispose();
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            archive.Dispose();
        }
    }

    private sealed class RowWriter(Random random, double dirtShare, string[] users, string[] ghosts, Dictionary<string, long> dirt)
    {
        public async Task WriteTransactionsAsync(TextWriter writer, bool withdrawals, int count, DateTimeOffset start, DateTimeOffset end, long firstId, CancellationToken cancellationToken)
        {
            await writer.WriteLineAsync(withdrawals ? "id,event_timestamp,user_id,amount,interface,currency,tx_status" : "id,event_timestamp,user_id,amount,currency,tx_status");
            var span = (end - start).Ticks;
            for (var i = 0; i < count; i++)
            {
                if ((i & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                var at = start.AddTicks((long)(span * ((i + random.NextDouble()) / count)));
                var id = (firstId + i).ToString(CultureInfo.InvariantCulture);
                var user = PickUser();
                var currency = Pick(Currencies, c => c.Weight);
                var amount = Amount(currency.Min, currency.Max, currency.Decimals);
                var status = random.NextDouble() < (withdrawals ? 0.64 : 0.7) ? "complete" : "failed";
                var channel = random.NextDouble() < 0.81 ? "web" : "app";
                var timestamp = Timestamp(at);
                var kind = random.NextDouble() < dirtShare ? random.Next(6) : -1;
                switch (kind)
                {
                    case 2:
                        status = Messy(status);
                        dirt[MessyStatus]++;
                        break;
                    case 3:
                        user = ghosts[random.Next(ghosts.Length)];
                        dirt[UnknownUser]++;
                        break;
                    case 4:
                        amount = random.Next(3) switch
                        {
                            0 => "-" + amount,
                            1 => "0.000000000000000000",
                            _ => random.Next(2) == 0 ? "98765432109876543.5" : "123456789012345678901234567890.0",
                        };
                        dirt[OddAmount]++;
                        break;
                    case 5:
                        switch (random.Next(5))
                        {
                            case 0: timestamp = "2021-02-30 25:61:00+00"; break;
                            case 1: timestamp = "not a time"; break;
                            case 2: amount = "\"12,5\""; break;
                            case 3: id = ""; break;
                            default: user = ""; break;
                        }
                        dirt[Unparsable]++;
                        break;
                }
                var line = withdrawals
                    ? $"{id},{timestamp},{user},{amount},{channel},{currency.Code},{status}"
                    : $"{id},{timestamp},{user},{amount},{currency.Code},{status}";
                await writer.WriteLineAsync(line);
                if (kind == 0)
                {
                    await writer.WriteLineAsync(line);
                    dirt[ExactDuplicate]++;
                }
                else if (kind == 1)
                {
                    var otherStatus = status == "complete" ? "failed" : "complete";
                    var other = withdrawals
                        ? $"{id},{timestamp},{user},{Amount(currency.Min, currency.Max, currency.Decimals)},{channel},{currency.Code},{otherStatus}"
                        : $"{id},{timestamp},{user},{Amount(currency.Min, currency.Max, currency.Decimals)},{currency.Code},{otherStatus}";
                    await writer.WriteLineAsync(other);
                    dirt[ConflictingVersion]++;
                }
            }
        }

        public async Task WriteEventsAsync(TextWriter writer, int count, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
        {
            await writer.WriteLineAsync("id,event_timestamp,user_id,event_name");
            var span = (end - start).Ticks;
            for (var i = 0; i < count; i++)
            {
                if ((i & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                var at = start.AddTicks((long)(span * ((i + random.NextDouble()) / count)));
                var id = (1_000 + i).ToString(CultureInfo.InvariantCulture);
                var user = PickUser();
                var name = Pick(EventNames, e => e.Weight).Name;
                var timestamp = Timestamp(at);
                var kind = random.NextDouble() < dirtShare ? random.Next(5) : -1;
                switch (kind)
                {
                    case 2:
                        name = Messy(name);
                        dirt[MessyStatus]++;
                        break;
                    case 3:
                        user = ghosts[random.Next(ghosts.Length)];
                        dirt[UnknownUser]++;
                        break;
                    case 4:
                        switch (random.Next(3))
                        {
                            case 0: timestamp = "2020-01-10T14:11"; break;
                            case 1: id = ""; break;
                            default: user = ""; break;
                        }
                        dirt[Unparsable]++;
                        break;
                }
                var line = $"{id},{timestamp},{user},{name}";
                await writer.WriteLineAsync(line);
                if (kind == 0)
                {
                    await writer.WriteLineAsync(line);
                    dirt[ExactDuplicate]++;
                }
                else if (kind == 1)
                {
                    await writer.WriteLineAsync($"{id},{timestamp},{user},{(name == "login" ? "logout" : "login")}");
                    dirt[ConflictingVersion]++;
                }
            }
        }

        private string PickUser()
        {
            // Squaring skews activity toward a few heavy users, as on a real exchange.
            var r = random.NextDouble();
            return users[(int)(users.Length * r * r)];
        }

        private string Messy(string value) => random.Next(4) switch
        {
            0 => " " + char.ToUpperInvariant(value[0]) + value[1..],
            1 => value.ToUpperInvariant() + " ",
            2 => "  " + value + "  ",
            _ => char.ToUpperInvariant(value[0]) + value[1..],
        };

        private string Amount(double min, double max, int decimals)
        {
            var r = random.NextDouble();
            var value = Math.Round(min + (max - min) * r * r * r, decimals);
            if (value <= 0) value = min;
            return ((decimal)value).ToString("F18", CultureInfo.InvariantCulture);
        }

        /// <summary>Postgres text form: <c>2020-01-10 14:11:05.63+00</c>, 0–6 fraction digits, trailing zeros dropped.</summary>
        private string Timestamp(DateTimeOffset at)
        {
            var utc = at.UtcDateTime;
            var digits = random.Next(7);
            var text = utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            if (digits > 0)
            {
                var micros = (utc.Ticks % TimeSpan.TicksPerSecond / 10).ToString("D6", CultureInfo.InvariantCulture)[..digits].TrimEnd('0');
                if (micros.Length > 0) text += "." + micros;
            }
            return text + "+00";
        }

        private T Pick<T>(T[] items, Func<T, double> weight)
        {
            var total = 0.0;
            foreach (var item in items) total += weight(item);
            var r = random.NextDouble() * total;
            foreach (var item in items)
            {
                r -= weight(item);
                if (r < 0) return item;
            }
            return items[^1];
        }
    }
}
