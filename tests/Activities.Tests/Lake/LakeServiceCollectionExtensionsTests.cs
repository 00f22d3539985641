using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.Tests.Lake;

public sealed class LakeServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddLake_ResolvesTheActivityCatalogAndQueryServiceFromTheHostsServices()
    {
        using var lake = new LakeFixture(DateTimeOffset.UnixEpoch);
        using var provider = Services(lake, new Dictionary<string, string?> { ["Lake:MaxRows"] = "3" }).BuildServiceProvider();

        var activity = ActivatorUtilities.CreateInstance<CompactSpreadWindow>(provider);
        var result = await provider.GetRequiredService<LakeQueryService>().QueryAsync("select * from range(5)", default);
        var partitions = await provider.GetRequiredService<LakeInventory>().ListAsync(null, null, default);

        Assert.NotNull(activity);
        Assert.Equal((3, true), (result.Rows.Count, result.Truncated));
        Assert.Empty(partitions);
        Assert.Single(provider.GetServices<ILakeQuerySource>());
    }

    [Theory]
    [InlineData("MaxRows", "0")]
    [InlineData("QueryTimeout", "-00:00:01")]
    [InlineData("MemoryLimit", "lots")]
    public void AddLake_WhenASettingIsInvalid_FailsValidationNamingIt(string setting, string value)
    {
        using var lake = new LakeFixture(DateTimeOffset.UnixEpoch);
        using var provider = Services(lake, new Dictionary<string, string?> { ["Lake:" + setting] = value }).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LakeOptions>>().Value);

        Assert.Contains("Lake:" + setting, error.Message);
    }

    private static ServiceCollection Services(LakeFixture lake, Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton(lake.DataDirectory);
        services.AddSingleton<TimeProvider>(lake.Time);
        services.AddSingleton<IObservationStore>(lake.Store);
        services.AddLake(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services;
    }
}
