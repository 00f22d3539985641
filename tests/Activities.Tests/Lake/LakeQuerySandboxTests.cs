using System.Security.Cryptography;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Engine.Execution;
using DuckDB.NET.Data;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.Tests.Lake;

/// <summary>
/// The query sandbox under attack: the hostile corpus statement by statement, every function DuckDB has that the
/// allow-list leaves out, and afterwards a data dir that is byte for byte what it was.
/// </summary>
public sealed class LakeQuerySandboxTests : IDisposable
{
    private static readonly DateTimeOffset WindowStart = new(2026, 11, 27, 23, 50, 0, TimeSpan.Zero);
    private static readonly DataInterval Window = new(WindowStart, WindowStart.AddMinutes(10));

    private readonly LakeFixture _lake = new(Window.End.AddSeconds(5));
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "lake-outside-" + Guid.NewGuid().ToString("N"));

    public LakeQuerySandboxTests()
    {
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "secret.csv"), "secret\nhunter2\n");
        Directory.CreateDirectory(_lake.Layout.Root);
        Directory.CreateSymbolicLink(Path.Combine(_lake.Layout.Root, "link"), _outside);
        File.WriteAllText(Path.Combine(_lake.Root, "server.json"), """{"url":"http://127.0.0.1:1"}""");
        File.WriteAllText(Path.Combine(_lake.Root, "workflows.db"), "not really a database");
    }

    public void Dispose()
    {
        _lake.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    public async Task QueryAsync_HostileCorpus_EachStatementHasItsExpectedOutcomeAndTheDataDirIsUnchanged()
    {
        await _lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600)), default);
        await _lake.CompactAsync(Window, ["btc_mxn", "usd_mxn"]);
        await _lake.CompactAsync(new DataInterval(Window.Start.AddMinutes(-10), Window.Start), ["usd_mxn"], "csv");
        var corpus = HostileQuery.Load(RepositoryFiles.Path("tests", "corpora", "hostile-queries.txt"), new Dictionary<string, string>
        {
            ["data"] = _lake.Root,
            ["lake"] = _lake.Layout.Root,
            ["link"] = Path.Combine(_lake.Layout.Root, "link"),
        });
        var before = Fingerprint(_lake.Root);
        using var service = Service();

        var wrong = new List<string>();
        foreach (var query in corpus)
        {
            var outcome = await OutcomeAsync(service, query.Sql);
            if (!Matches(query, outcome))
                wrong.Add($"{query}\n    got: {outcome}");
        }
        var plain = await service.QueryAsync("select book, count(*) from spreads group by book order by book", default);

        Assert.True(corpus.Count >= 150, $"the corpus has {corpus.Count} statements");
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {corpus.Count} statements had another outcome:\n" + string.Join("\n", wrong));
        Assert.Equal(before, Fingerprint(_lake.Root));
        Assert.Equal<object?>(["btc_mxn", 600L], plain.Rows[0]);
        Assert.Equal<object?>(["usd_mxn", 1200L], plain.Rows[1]);
    }

    [Fact]
    public async Task QueryAsync_EveryTableFunctionDuckDbHasButTheAllowedOnes_IsRefusedByName()
    {
        using var service = Service();
        var names = DuckDbFunctionNames.Where("function_type IN ('table', 'table_macro')").Where(n => !SqlFunctionAllowList.TableFunctions.Contains(n)).ToList();

        var accepted = new List<string>();
        foreach (var name in names)
        {
            var error = await Record.ExceptionAsync(() => service.QueryAsync($"SELECT * FROM {name}()", default));
            if (error is not LakeQueryException { Refused: true } refused || !refused.Message.Contains($"function {name} is not allowed", StringComparison.Ordinal))
                accepted.Add($"{name}: {error?.Message ?? "answered"}");
        }

        Assert.True(names.Count > 60, $"duckdb_functions() listed only {names.Count} table functions");
        Assert.Empty(accepted);
    }

    [Fact]
    public async Task QueryAsync_EveryScalarOrAggregateFunctionOutsideTheAllowList_IsRefusedByName()
    {
        using var service = Service();
        var names = DuckDbFunctionNames.Where("function_type IN ('scalar', 'aggregate', 'macro')").Where(n => !SqlFunctionAllowList.AllowsFunction(n)).ToList();

        var accepted = new List<string>();
        foreach (var name in names)
        {
            var error = await Record.ExceptionAsync(() => service.QueryAsync($"SELECT \"{name}\"(1)", default));
            if (error is not LakeQueryException { Refused: true } refused || !refused.Message.Contains($"function {name} is not allowed", StringComparison.Ordinal))
                accepted.Add($"{name}: {error?.Message ?? "answered"}");
        }

        Assert.Contains("current_setting", names);
        Assert.Empty(accepted);
    }

    [Fact]
    public void AllowList_NamesOnlyFunctionsThisDuckDbHas()
    {
        var known = DuckDbFunctionNames.Where("true").ToHashSet(StringComparer.OrdinalIgnoreCase);
        string[] windowOnly = ["row_number", "rank", "dense_rank", "rank_dense", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value", "fill", "grouping", "grouping_id", "unnest"];

        var unknown = SqlFunctionAllowList.Functions.Concat(SqlFunctionAllowList.TableFunctions).Where(n => !known.Contains(n) && !windowOnly.Contains(n)).ToList();

        Assert.Empty(unknown);
    }

    [Fact]
    public async Task QueryAsync_WhenAllSlotsStayBusy_TurnsTheNextQueryAwayWithRetryAfter()
    {
        using var service = Service(new LakeOptions { MaxConcurrentQueries = 1, QueueTimeout = TimeSpan.FromMilliseconds(200), QueryTimeout = TimeSpan.FromSeconds(3) });
        var slow = service.QueryAsync("select count(*) from range(1000000000) a, range(1000000000) b", default);
        await Task.Delay(300);

        var error = await Assert.ThrowsAsync<LakeQueryException>(() => service.QueryAsync("select 1", default));

        Assert.Equal(LakeQueryFailure.Busy, error.Failure);
        Assert.NotNull(error.RetryAfter);
        Assert.Equal(LakeQueryFailure.TimedOut, (await Assert.ThrowsAsync<LakeQueryException>(() => slow)).Failure);
        Assert.Single((await service.QueryAsync("select 1", default)).Rows);
    }

    // The timeout is generous: on a loaded machine the corpus's heavy statements must still reach the limit each one
    // attacks (result bytes, memory) before the clock does; only its two endless statements may end by it.
    private LakeQueryService Service(LakeOptions? options = null) => new(
        [new SpreadsQuerySource(_lake.Layout)],
        new LakeQueryGuard(),
        Options.Create(options ?? new LakeOptions { QueryTimeout = TimeSpan.FromSeconds(20), MemoryLimit = "256MB" }));

    private static async Task<string> OutcomeAsync(LakeQueryService service, string sql)
    {
        try
        {
            var result = await service.QueryAsync(sql, default);
            return result.TruncatedBy is { } limit ? $"cut {limit}" : $"answered {result.Rows.Count} rows";
        }
        catch (LakeQueryException e)
        {
            return e.Failure switch
            {
                LakeQueryFailure.Refused => "refused " + e.Message,
                LakeQueryFailure.TooLarge => "toolarge " + e.Message,
                _ => $"failed ({e.Failure}) {e.Message}",
            };
        }
        catch (Exception e)
        {
            return $"threw {e.GetType().Name}: {e.Message}";
        }
    }

    private static bool Matches(HostileQuery query, string outcome) =>
        outcome.StartsWith(query.Outcome + " ", StringComparison.Ordinal) && outcome.Contains(query.Expected, StringComparison.Ordinal);

    /// <summary>Every file under the folder (links not followed) with its SHA-256.</summary>
    private static Dictionary<string, string> Fingerprint(string root) =>
        new DirectoryInfo(root).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .ToDictionary(f => Path.GetRelativePath(root, f.FullName), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f.FullName))));
}
