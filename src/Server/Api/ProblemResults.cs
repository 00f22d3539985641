using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>RFC 7807 answers for bad input, so clients learn what is wrong and where.</summary>
public static class ProblemResults
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    /// <summary>The API's one mapping of a refused run request or operation: 400 invalid, 404 not found, 409 conflict.</summary>
    public static ProblemHttpResult Refused(RunRefusedException refused) => refused.Kind switch
    {
        RefusalKind.NotFound => NotFound(refused.Message),
        RefusalKind.Conflict => Conflict(refused.Message),
        _ => BadRequest(refused.Message),
    };

    /// <summary>Validation errors of a definition, each with its JSON path, under <c>errors</c>.</summary>
    public static ProblemHttpResult Invalid(IReadOnlyList<ValidationError> errors) =>
        TypedResults.Problem(
            detail: $"The definition has {errors.Count} error(s): {string.Join("; ", errors.Take(5).Select(e => e.ToString()))}",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid workflow definition",
            extensions: new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { path = e.Path, message = e.Message }).ToList() });
}
