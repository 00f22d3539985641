namespace BitsoWorkflows.Benchmarks;

/// <summary>
/// Measurements that are not BenchmarkDotNet micro-benchmarks (e.g. a 10-minute trigger soak).
/// Each area adds its commands to the table by name.
/// </summary>
public static partial class BenchCommands
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Commands = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fire-offset"] = Scheduling.FireOffsetBench.RunAsync,
        ["market-capture-latency"] = MarketData.CaptureLatencyBench.RunAsync,
        ["lake-query-30-days"] = Lake.LakeQueryBench.RunAsync,
        ["master-data"] = MasterData.MasterDataBench.RunAsync,
        ["master-data-floor"] = MasterData.MasterDataFloorBench.RunAsync,
        ["query-corpus"] = Query.QueryCorpusBench.RunAsync,
        ["soak"] = Scheduling.SoakBench.RunAsync,
        ["failover"] = Scheduling.FailoverBench.RunAsync,
    };

    public static Func<string[], Task<int>>? TryGet(string name) => Commands.GetValueOrDefault(name);
}
