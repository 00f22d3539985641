using BitsoWorkflows.Server.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>Route of <c>/api/assets</c>: the assets workflows produce and are triggered by.</summary>
public static class AssetsApi
{
    public static IEndpointRouteBuilder MapAssetsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/assets", ListAsync).WithTags("Assets")
            .WithSummary("Every asset produced (an activity's 'produces') or awaited (a trigger's 'assets'): its producers, the workflows it triggers, how many events are kept and the latest.");
        return routes;
    }

    private static async Task<Ok<IReadOnlyList<AssetSummaryDto>>> ListAsync(AssetOverview overview, CancellationToken ct) =>
        TypedResults.Ok(await overview.ListAsync(ct));
}
