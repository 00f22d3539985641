using System.Security.Claims;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Auth;

/// <summary>
/// Records who did what in the audit log (<see cref="AuditStore"/>): sign-ins, publishing, pausing, starting and
/// stopping runs, API keys. A failure to record is logged, never turned into a failure of the action itself.
/// </summary>
public sealed partial class AuditLog(AuditStore store, ILogger<AuditLog> logger)
{
    /// <summary>Records an action of an API or login caller: name and client address from the request.</summary>
    public Task RecordAsync(HttpContext http, string action, string? target, string outcome, string? actor = null) =>
        RecordAsync(actor ?? http.User.Identity?.Name ?? "anonymous", http.Connection.RemoteIpAddress?.ToString(), action, target, outcome);

    /// <summary>Records an action taken in the Studio (no client address inside a circuit).</summary>
    public Task RecordAsync(ClaimsPrincipal user, string action, string? target, string outcome = "ok") =>
        RecordAsync(user.Identity?.Name ?? "anonymous", "studio", action, target, outcome);

    public async Task RecordAsync(string actor, string? address, string action, string? target, string outcome)
    {
        try
        {
            await store.AppendAsync(actor, address, action, target, outcome);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotRecorded(logger, ex, action, actor);
        }
    }

    /// <summary>An endpoint filter that records the call as <paramref name="action"/> on the route's id (or name), with the status it answered.</summary>
    public static EndpointFilterDelegate Filter(string action, EndpointFilterFactoryContext _, EndpointFilterDelegate next) => async context =>
    {
        var returned = await next(context);
        var result = returned;
        while (result is INestedHttpResult nested) result = nested.Result; // Results<A, B> wraps the one returned
        var http = context.HttpContext;
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
        var target = http.Request.RouteValues.TryGetValue("id", out var id) || http.Request.RouteValues.TryGetValue("name", out id) ? id?.ToString() : null;
        if (http.Request.RouteValues.TryGetValue("version", out var version)) target += $" v{version}";
        if (target is null && status is >= 200 and < 300 && result is IValueHttpResult { Value: { } value }
            && value.GetType().GetProperty("Id")?.GetValue(value) is string createdId)
            target = createdId;
        await http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(http, action, target, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return returned;
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record '{Action}' by {Actor} in the audit log")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string action, string actor);
}
