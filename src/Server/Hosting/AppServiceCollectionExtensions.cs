using BitsoWorkflows.Activities;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MasterData;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Notifications;

namespace BitsoWorkflows.Server.Hosting;

public static class AppServiceCollectionExtensions
{
    /// <summary>Everything the product is made of, for the server and the CLI alike: the engine and the project's activities.</summary>
    public static IServiceCollection AddBitsoWorkflows(this IServiceCollection services, IConfiguration configuration, GlobalOptions global)
    {
        services.AddSingleton(global);
        services.AddWorkflowEngine(configuration, global.Data, ActivitiesAssembly.Assembly);
        services.AddKeyRing(); // secret params are encrypted with it, by in-process CLI runs too
        services.AddWorkflowBackfills();
        services.AddMarketData(configuration);
        services.AddLake(configuration);
        services.AddMasterData(configuration);
        services.AddSingleton<Services.WorkflowOverview>();
        services.AddSingleton<Services.AssetOverview>();
        services.AddSingleton<AuditLog>();
        services.AddNotifications(configuration);
        services.PostConfigure<EngineOptions>(o => o.WorkflowsDirectory = global.WorkflowsDir);
        return services;
    }
}
