using System.Net;
using BitsoWorkflows.Activities.MarketData.Alerts;
using BitsoWorkflows.FakeBitso;
using CsCheck;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.Tests.MarketData;

/// <summary>A user who may start runs chooses the webhook URL: it must not reach the server's own network.</summary>
public sealed class WebhookTargetRuleTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fec0::1")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    public void IsRefused_ForLocalPrivateAndMulticastAddresses_IsTrue(string address) =>
        Assert.True(WebhookTargetRule.IsRefused(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    public void IsRefused_ForPublicAddresses_IsFalse(string address) =>
        Assert.False(WebhookTargetRule.IsRefused(IPAddress.Parse(address)));

    [Fact]
    public void IsRefused_ForEveryPrivateIPv4Address_AlsoWrittenAsIPv6_IsTrue()
    {
        var privateV4 = Gen.OneOf(
            Gen.Byte.Array[3].Select(b => new IPAddress([10, b[0], b[1], b[2]])),
            Gen.Byte.Array[3].Select(b => new IPAddress([172, (byte)(16 + b[0] % 16), b[1], b[2]])),
            Gen.Byte.Array[2].Select(b => new IPAddress([192, 168, b[0], b[1]])),
            Gen.Byte.Array[2].Select(b => new IPAddress([169, 254, b[0], b[1]])),
            Gen.Byte.Array[3].Select(b => new IPAddress([127, b[0], b[1], b[2]])));

        privateV4.Sample(a => WebhookTargetRule.IsRefused(a) && WebhookTargetRule.IsRefused(a.MapToIPv6()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Deliver_ToALoopbackSinkByDefault_IsRefusedWithoutAnyRequestReachingIt(bool byName)
    {
        await using var sink = await FakeBitsoServer.StartAsync();
        using var webhook = new SpreadAlertWebhook(MarketTest.MarketOptions(o => o.WebhookAttempts = 3), Options.Create(new AlertsOptions()), TimeProvider.System);
        var url = byName ? new UriBuilder(sink.WebhookUrl) { Host = "localhost" }.Uri : sink.WebhookUrl;

        var (delivered, attempts, error) = await webhook.DeliverAsync(url, Transition(), MarketTest.Context(new object(), MarketTest.T0).Run, default);

        Assert.False(delivered);
        Assert.Equal(1, attempts);
        Assert.Contains("Alerts:AllowPrivateWebhookTargets", error);
        Assert.Empty(sink.WebhookBodies);
    }

    private static SpreadAlertTransition Transition() =>
        new(AlertTransitionKind.Opened, "btc_mxn", 0.5m, MarketTest.T0, 0.7m, 0.7m, MarketTest.T0, MarketTest.T0);
}
