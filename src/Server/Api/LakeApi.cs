using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Output;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>Routes of <c>/api/query</c> and <c>/api/lake</c>: read-only SQL, and the lake's partitions and files.</summary>
public static class LakeApi
{
    public static IEndpointRouteBuilder MapLakeApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/query", QueryAsync).WithTags("Lake")
            .WithSummary("Run one read-only SELECT over the lake's views through DuckDB. Anything but one SELECT over the views with allowed functions is refused (400 naming the construct); a query past a limit answers 400 (time, memory), 413 (SQL text) or 429 with Retry-After (all slots busy). A cut result says so in X-Query-Truncated. format=json (default) or csv.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        routes.MapGet("/api/lake/partitions", PartitionsAsync).WithTags("Lake")
            .WithSummary("Partitions (book, date) with their files, row counts and completeness (rows ok / 600).");
        return routes;
    }

    private static async Task<IResult> QueryAsync(QueryRequest body, LakeQueryService lake, HttpResponse response, CancellationToken ct, string format = "json")
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
            if (result.TruncatedBy is not null)
                response.Headers["X-Query-Truncated"] = result.TruncatedBy;
            // The formatter writes DuckDB's wide integers and decimals exactly, which System.Text.Json would not.
            return TypedResults.Text(LakeQueryResultFormatter.Format(result, output), output == LakeQueryOutputFormat.Csv ? "text/csv" : "application/json");
        }
        catch (LakeQueryException ex)
        {
            return Problem(ex, response);
        }
    }

    /// <summary>The problem answer of a query that did not run: 429 with Retry-After when every slot is busy, 413 for SQL past the guard's length, else 400; the title says which.</summary>
    public static IResult Problem(LakeQueryException error, HttpResponse response)
    {
        var (status, title) = error.Failure switch
        {
            LakeQueryFailure.Busy => (StatusCodes.Status429TooManyRequests, "Too many queries"),
            LakeQueryFailure.TooLarge => (StatusCodes.Status413PayloadTooLarge, "The query is too long"),
            LakeQueryFailure.Refused => (StatusCodes.Status400BadRequest, "The query was refused"),
            LakeQueryFailure.TimedOut => (StatusCodes.Status400BadRequest, "The query ran out of time"),
            LakeQueryFailure.OutOfMemory => (StatusCodes.Status400BadRequest, "The query ran out of memory"),
            _ => (StatusCodes.Status400BadRequest, "The query failed"),
        };
        if (error.RetryAfter is { } retry)
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail: error.Message, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["reason"] = error.Failure.ToString() });
    }

    private static async Task<Results<Ok<IReadOnlyList<LakePartition>>, ProblemHttpResult>> PartitionsAsync(LakeInventory catalog, CancellationToken ct, string? book = null, string? date = null)
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
