using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.Lake;

public static class LakeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the lake: compaction (<see cref="SpreadWindowCompactor"/>, used by the <c>CompactSpreadWindow</c> activity),
    /// <see cref="LakeInventory"/> and <see cref="LakeQueryService"/> with the <c>spreads</c> view as the first
    /// <see cref="ILakeQuerySource"/>, and <see cref="LakeOptions"/> from the <c>Lake</c> section, validated at start.
    /// Needs the host's <c>DataDirectory</c>, <c>TimeProvider</c> and an <c>IObservationStore</c>.
    /// </summary>
    public static IServiceCollection AddLake(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LakeOptions>()
            .Bind(configuration.GetSection(LakeOptions.SectionName))
            .Validate(o => o.MaxRows > 0, $"{LakeOptions.SectionName}:{nameof(LakeOptions.MaxRows)} must be at least 1.")
            .Validate(o => o.QueryTimeout > TimeSpan.Zero, $"{LakeOptions.SectionName}:{nameof(LakeOptions.QueryTimeout)} must be positive.")
            .Validate(o => o.MaxResultBytes > 0, $"{LakeOptions.SectionName}:{nameof(LakeOptions.MaxResultBytes)} must be at least 1.")
            .Validate(o => o.MaxConcurrentQueries > 0, $"{LakeOptions.SectionName}:{nameof(LakeOptions.MaxConcurrentQueries)} must be at least 1.")
            .Validate(o => o.QueueTimeout >= TimeSpan.Zero, $"{LakeOptions.SectionName}:{nameof(LakeOptions.QueueTimeout)} must not be negative.")
            .Validate(o => o.Nice is >= 0 and <= 19, $"{LakeOptions.SectionName}:{nameof(LakeOptions.Nice)} must be from 0 to 19.")
            .Validate(o => o.Threads > 0, $"{LakeOptions.SectionName}:{nameof(LakeOptions.Threads)} must be at least 1.")
            .Validate(o => MemorySize.IsValid(o.MemoryLimit ?? ""), $"{LakeOptions.SectionName}:{nameof(LakeOptions.MemoryLimit)} must be a size such as 512MB or 2GB.")
            .ValidateOnStart();
        services.TryAddSingleton<LakeLayout>();
        services.TryAddSingleton<LakeWindowWriter>();
        services.TryAddSingleton<LakeFileReader>();
        services.TryAddSingleton<SpreadWindowCompactor>();
        services.TryAddSingleton<LakeInventory>();
        services.TryAddSingleton<LakeQueryGuard>();
        services.TryAddSingleton<LakeQueryService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILakeQuerySource, SpreadsQuerySource>());
        return services;
    }
}
