using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MasterData;

/// <summary>Checks <see cref="MasterDataOptions"/> at start-up and names every bad property with its value.</summary>
public sealed class MasterDataOptionsValidator : IValidateOptions<MasterDataOptions>
{
    public ValidateOptionsResult Validate(string? name, MasterDataOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.WarehouseFile) || Path.IsPathRooted(options.WarehouseFile))
            errors.Add($"{MasterDataOptions.SectionName}:{nameof(options.WarehouseFile)} must be a relative path under the data dir, was '{options.WarehouseFile}'.");
        foreach (var (property, value) in new[]
                 {
                     (nameof(options.UsersUrl), options.UsersUrl), (nameof(options.WithdrawalsUrl), options.WithdrawalsUrl),
                     (nameof(options.EventsUrl), options.EventsUrl), (nameof(options.DepositsUrl), options.DepositsUrl),
                 })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                errors.Add($"{MasterDataOptions.SectionName}:{property} must be an absolute http(s) URL, was '{value}'.");
        }
        if (options.DownloadTimeout <= TimeSpan.Zero || options.DownloadTimeout > TimeSpan.FromHours(1))
            errors.Add($"{MasterDataOptions.SectionName}:{nameof(options.DownloadTimeout)} must be between 00:00:01 and 01:00:00, was '{options.DownloadTimeout}'.");
        if (options.Threads is < 0 or > 1024)
            errors.Add($"{MasterDataOptions.SectionName}:{nameof(options.Threads)} must be between 0 (one per core) and 1024, was '{options.Threads}'.");
        if (options.KeepOpen < TimeSpan.Zero || options.KeepOpen > TimeSpan.FromMinutes(1))
            errors.Add($"{MasterDataOptions.SectionName}:{nameof(options.KeepOpen)} must be between 00:00:00 and 00:01:00, was '{options.KeepOpen}'.");
        if (options.MemoryLimitMiB is < 128 or > 1 << 20)
            errors.Add($"{MasterDataOptions.SectionName}:{nameof(options.MemoryLimitMiB)} must be between 128 and 1048576, was '{options.MemoryLimitMiB}'.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
