using System.Globalization;
using BitsoWorkflows.FakeBitso;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Crash;

/// <summary>
/// The crash harness in its CI size: 33 kills (each of the eleven moments three times) (<c>BW_CRASH_KILLS</c> for the long form) spread over every crash point
/// and random moments of compactions and daily loads, then the invariants of <see cref="CrashHarness.VerifyAsync"/>
/// and a warehouse equal to one clean load of the same snapshot. Nothing in it is timed, so it runs beside the other
/// tests (in a collection of its own) rather than alone.
/// </summary>
[Collection(nameof(CrashHarnessTests))]
public sealed class CrashHarnessTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static int KillCount =>
        int.TryParse(Environment.GetEnvironmentVariable("BW_CRASH_KILLS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 33;

    [Fact]
    public async Task Serve_KilledAtEveryWritingMoment_LosesNothingDoublesNothingAndLoadsAsACleanRun()
    {
        await using var receiver = await FakeBitsoServer.StartAsync();
        var root = TempFolder.Create();
        try
        {
            string recovered;
            int kills;
            await using (var harness = new CrashHarness(root, output.WriteLine) { Receiver = receiver })
            {
                await harness.StartAsync();
                for (var n = 0; n < KillCount; n++)
                    await harness.KillAsync(n);
                kills = harness.Kills;
                output.WriteLine($"{kills} kills: " + string.Join(", ", harness.KillsByMoment.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} × {k.Value}")));
                recovered = await harness.VerifyAsync();
                var clean = await harness.CleanLoadAsync();
                Assert.True(clean == recovered, "the warehouse after the kills differs from one clean load:\n" + Diff(clean, recovered));
            }
            Assert.Equal(KillCount, kills);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Diff(string expected, string actual) =>
        string.Join("\n", expected.Split('\n').Except(actual.Split('\n')).Take(10).Select(l => "- " + l)
            .Concat(actual.Split('\n').Except(expected.Split('\n')).Take(10).Select(l => "+ " + l)));
}
