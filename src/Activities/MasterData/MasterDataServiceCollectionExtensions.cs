using BitsoWorkflows.Activities.MasterData.Generation;
using BitsoWorkflows.Activities.MasterData.Questions;
using BitsoWorkflows.Activities.MasterData.Snapshots;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MasterData;

public static class MasterDataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the master-data services: the warehouse, the extract/load/model/publish services the activities use,
    /// <see cref="AnswerService"/>, <see cref="WarehouseInventory"/> and <see cref="SnapshotGenerator"/>. Needs the host's
    /// <c>DataDirectory</c> and <c>TimeProvider</c>. Options bind from the <c>MasterData</c> section and are validated at start.
    /// </summary>
    public static IServiceCollection AddMasterData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MasterDataOptions>().Bind(configuration.GetSection(MasterDataOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MasterDataOptions>, MasterDataOptionsValidator>();
        services.AddSingleton<WarehouseDatabase>();
        services.AddSingleton(sp => new SnapshotExtractor(
            new HttpClient { Timeout = Timeout.InfiniteTimeSpan },
            sp.GetRequiredService<BitsoWorkflows.Engine.Hosting.DataDirectory>(),
            sp.GetRequiredService<IOptions<MasterDataOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SourceLoader>();
        services.AddSingleton<ModelBuilder>();
        services.AddSingleton<WarehousePublisher>();
        services.AddSingleton<WarehouseInventory>();
        services.AddSingleton<AnswerService>();
        services.AddSingleton<SnapshotGenerator>();
        // The published tables are queryable beside the lake's spreads (query, POST /api/query).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<BitsoWorkflows.Activities.Lake.ILakeQuerySource, WarehouseQuerySource>());
        return services;
    }
}
