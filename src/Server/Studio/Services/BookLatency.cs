namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>Capture latency of one book over its recent observations, in milliseconds.</summary>
public sealed record BookLatency(string Book, int Observations, double P50Ms, double P99Ms)
{
    public static BookLatency From(string book, IReadOnlyList<double> latenciesMs)
    {
        var sorted = latenciesMs.Order().ToArray();
        return new BookLatency(book, sorted.Length, Percentile(sorted, 50), Percentile(sorted, 99));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[(int)Math.Clamp(Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
