using BitsoWorkflows.Activities.MarketData.Alerts;
using BitsoWorkflows.Activities.MarketData.Bitso;
using BitsoWorkflows.Activities.MarketData.Sources;
using BitsoWorkflows.Activities.MarketData.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MarketData;

public static class MarketDataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the market-data area: options (<c>Bitso</c>, <c>MarketData</c>, validated at start), the staging
    /// database (the store's PostgreSQL with <c>Store:Provider postgres</c>, else a SQLite file in the data dir) and
    /// <see cref="IObservationStore"/>, the Bitso client, the three sources as singletons (the WebSocket connection
    /// outlives the per-second runs), alert storage and delivery, and <see cref="MarketDataQueries"/>.
    /// The host must register <see cref="Engine.Hosting.DataDirectory"/> and <see cref="TimeProvider"/>; the
    /// activities themselves are resolved by the engine.
    /// </summary>
    public static IServiceCollection AddMarketData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BitsoOptions>().Bind(configuration.GetSection(BitsoOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BitsoOptions>, BitsoOptionsValidator>());
        services.AddOptions<MarketDataOptions>().Bind(configuration.GetSection(MarketDataOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatabaseFile), $"{MarketDataOptions.SectionName}:DatabaseFile must not be empty.")
            .Validate(o => o.MaxCaptureLag > TimeSpan.Zero, $"{MarketDataOptions.SectionName}:MaxCaptureLag must be positive.")
            .Validate(o => o.MissedLookback >= TimeSpan.Zero, $"{MarketDataOptions.SectionName}:MissedLookback must not be negative.")
            .Validate(o => o.AlertGrace >= TimeSpan.Zero, $"{MarketDataOptions.SectionName}:AlertGrace must not be negative.")
            .Validate(o => o.AlertMaxCatchUp >= TimeSpan.FromMinutes(1), $"{MarketDataOptions.SectionName}:AlertMaxCatchUp must be at least one minute.")
            .Validate(o => o.WebhookAttempts is >= 1 and <= 10, $"{MarketDataOptions.SectionName}:WebhookAttempts must be 1..10.")
            .Validate(o => o.WebhookRetryDelay > TimeSpan.Zero && o.WebhookRetryMaxDelay >= o.WebhookRetryDelay,
                $"{MarketDataOptions.SectionName}:WebhookRetryDelay must be positive and WebhookRetryMaxDelay at least as long.")
            .Validate(o => o.WebhookRedeliveryGrace > o.WebhookTimeout * o.WebhookAttempts,
                $"{MarketDataOptions.SectionName}:WebhookRedeliveryGrace must be longer than WebhookAttempts × WebhookTimeout (one run's delivery).")
            .ValidateOnStart();
        services.AddOptions<AlertsOptions>().Bind(configuration.GetSection(AlertsOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();

        services.TryAddSingleton(sp => MarketDatabase.Configured(
            sp.GetRequiredService<Engine.Hosting.DataDirectory>(), sp.GetRequiredService<IOptions<MarketDataOptions>>().Value,
            sp.GetService<IOptions<Engine.Persistence.StoreOptions>>()?.Value ?? new Engine.Persistence.StoreOptions()));
        services.TryAddSingleton<ObservationStore>();
        services.TryAddSingleton<IObservationStore>(sp => sp.GetRequiredService<ObservationStore>());

        services.TryAddSingleton<BitsoRestClient>();
        services.TryAddSingleton<BitsoWebSocketSource>();
        services.TryAddSingleton<BitsoRestSource>();
        services.TryAddSingleton<SimulatedOrderBookSource>();
        services.AddSingleton<IOrderBookSource>(sp => sp.GetRequiredService<BitsoWebSocketSource>());
        services.AddSingleton<IOrderBookSource>(sp => sp.GetRequiredService<BitsoRestSource>());
        services.AddSingleton<IOrderBookSource>(sp => sp.GetRequiredService<SimulatedOrderBookSource>());
        services.TryAddSingleton<OrderBookSourceSelector>();

        services.TryAddSingleton<SpreadAlertStateStore>();
        services.TryAddSingleton<AlertDeliveryOutbox>();
        services.TryAddSingleton<SpreadAlertQueries>();
        services.TryAddSingleton<SpreadAlertWebhook>();
        services.TryAddSingleton<MarketDataQueries>();
        return services;
    }
}
