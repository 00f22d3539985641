using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Server.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>Webhook and e-mail notifications of runs and deadline misses (<c>Notifications</c> section).</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.SectionName))
            .Validate(o => o.Attempts is >= 1 and <= 20, $"{NotificationOptions.SectionName}:{nameof(NotificationOptions.Attempts)} must be between 1 and 20.")
            .Validate(o => o.RedeliverAfter >= TimeSpan.FromSeconds(1), $"{NotificationOptions.SectionName}:{nameof(NotificationOptions.RedeliverAfter)} must be at least 00:00:01.")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.RetryBackoff >= TimeSpan.Zero, $"{NotificationOptions.SectionName}:{nameof(NotificationOptions.Timeout)} must be positive and {nameof(NotificationOptions.RetryBackoff)} not negative.")
            .Validate(o => o.StudioUrl is null || Uri.TryCreate(o.StudioUrl, UriKind.Absolute, out _), $"{NotificationOptions.SectionName}:{nameof(NotificationOptions.StudioUrl)} must be an absolute URL.")
            .Validate(o => o.Smtp.Port is > 0 and < 65536, $"{NotificationOptions.SectionName}:Smtp:Port must be between 1 and 65535.")
            .ValidateOnStart();
        services.AddSingleton<WebhookNotifier>();
        services.AddSingleton<EmailNotifier>();
        services.AddSingleton<RunNotifier>();
        services.AddSingleton<IRunEventListener>(sp => sp.GetRequiredService<RunNotifier>());
        services.AddSingleton<NotificationRedelivery>();
        return services;
    }

    /// <summary>What only a server runs of notifications (not the CLI): sending again what a stopped process never finished.</summary>
    public static IServiceCollection AddNotificationRedelivery(this IServiceCollection services) =>
        services.AddHostedService(sp => sp.GetRequiredService<NotificationRedelivery>());
}
