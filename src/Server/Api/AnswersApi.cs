using BitsoWorkflows.Activities.MasterData.Questions;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Server.Output;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>Routes of <c>/api/answers</c> and <c>/api/warehouse</c>: the business questions and the warehouse's tables.</summary>
public static class AnswersApi
{
    public static IEndpointRouteBuilder MapAnswersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/answers", (AnswerService answers) => TypedResults.Ok(answers.Questions.Select(q => new { q.Name, q.Description, q.Parameters })))
            .WithTags("Warehouse").WithSummary("The business questions with their parameters (for forms).");
        routes.MapGet("/api/answers/{name}", AnswerAsync).WithTags("Warehouse")
            .WithSummary("Answer one question: ?date=&user=&from=&to=&currency=&include_failed=; format=json (default) or table.");
        routes.MapGet("/api/warehouse/tables", async (WarehouseInventory catalog, CancellationToken ct) => TypedResults.Ok(await catalog.ListAsync(ct)))
            .WithTags("Warehouse").WithSummary("Warehouse tables with row counts and their last load.");
        routes.MapGet("/api/warehouse/rejects", RejectsAsync).WithTags("Warehouse")
            .WithSummary("Quarantined source rows with the reason and the raw line.");
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> AnswerAsync(string name, HttpRequest request, AnswerService answers, CancellationToken ct, string format = "json")
    {
        if (format is not ("json" or "table")) return ProblemResults.BadRequest($"format must be json or table, got '{format}'");
        var values = request.Query.Where(q => q.Key != "format").ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        try
        {
            var result = await answers.AnswerAsync(name, AnswerArguments.Parse(values), ct);
            return format == "json"
                ? TypedResults.Text(AnswerFormatter.ToJson(result), "application/json")
                : TypedResults.Text(AnswerFormatter.ToTable(result), "text/plain");
        }
        catch (AnswerValidationException ex)
        {
            return answers.Find(name) is null ? ProblemResults.NotFound(string.Join(" ", ex.Errors)) : ProblemResults.BadRequest(string.Join(" ", ex.Errors));
        }
        catch (WarehouseBusyException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Warehouse busy");
        }
        catch (WarehouseNotLoadedException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict, title: "Warehouse not loaded");
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<WarehouseReject>>, ProblemHttpResult>> RejectsAsync(WarehouseInventory catalog, CancellationToken ct, string? source = null, int limit = 100)
    {
        if (limit is < 1 or > 10_000) return ProblemResults.BadRequest("limit must be between 1 and 10000");
        return TypedResults.Ok(await catalog.RejectsAsync(source, limit, ct));
    }
}
