using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Server.Api.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>Routes of <c>/api/query</c> and <c>/api/lake</c>: read-only SQL, and the lake's partitions and files.</summary>
public static class LakeApi
{
    public static IEndpointRouteBuilder MapLakeApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/query", QueryAsync).WithTags("Lake")
            .WithSummary("Run one read-only SELECT through DuckDB; writes, COPY, ATTACH, INSTALL/LOAD and files outside the lake are refused (400). format=json (default) or csv.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        routes.MapGet("/api/lake/partitions", PartitionsAsync).WithTags("Lake")
            .WithSummary("Partitions (book, date) with their files, row counts and completeness (rows ok / 600).");
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> QueryAsync(QueryRequest body, LakeQueryService lake, CancellationToken ct, string format = "json")
    {
        if (string.IsNullOrWhiteSpace(body.Sql)) return ProblemResults.BadRequest("sql is required");
        LakeQueryOutputFormat output;
        try
        {
            output = LakeQueryResultFormatter.ParseFormat(format);
        }
        catch (ArgumentException ex)
        {
            return ProblemResults.BadRequest(ex.Message);
        }
        try
        {
            var result = await lake.QueryAsync(body.Sql, ct);
            // The formatter writes DuckDB's wide integers and decimals exactly, which System.Text.Json would not.
            return TypedResults.Text(LakeQueryResultFormatter.Format(result, output), output == LakeQueryOutputFormat.Csv ? "text/csv" : "application/json");
        }
        catch (LakeQueryException ex)
        {
            return ProblemResults.BadRequest(ex.Message);
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<LakePartition>>, ProblemHttpResult>> PartitionsAsync(LakeCatalog catalog, CancellationToken ct, string? book = null, string? date = null)
    {
        DateOnly? day = null;
        if (date is not null)
        {
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", out var parsed)) return ProblemResults.BadRequest($"date must be yyyy-MM-dd, got '{date}'");
            day = parsed;
        }
        try
        {
            return TypedResults.Ok(await catalog.ListAsync(book, day, ct));
        }
        catch (ArgumentException ex)
        {
            return ProblemResults.BadRequest(ex.Message); // a book that is not a book name, e.g. ../x
        }
    }
}
