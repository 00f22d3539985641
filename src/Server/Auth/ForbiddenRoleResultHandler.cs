using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace BitsoWorkflows.Server.Auth;

/// <summary>A signed-in API caller without the role a route needs gets 403 problem details naming that role.</summary>
public sealed class ForbiddenRoleResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).FirstOrDefault() is { } needed)
        {
            var caller = AccessPolicies.RoleOf(context.User);
            await Results.Problem(
                detail: $"This needs the {needed} role; {context.User.Identity?.Name} has {caller}.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                extensions: new Dictionary<string, object?> { ["requiredRole"] = needed, ["role"] = caller.ToString() }).ExecuteAsync(context);
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
