using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace BitsoWorkflows.Server.Auth;

/// <summary>Authorization policies by role, and the role claims a caller of a given role carries.</summary>
public static class AccessPolicies
{
    /// <summary>Policy names, one per role (a caller of a higher role passes a lower role's policy).</summary>
    public const string Operator = nameof(AccessRole.Operator);

    public const string Admin = nameof(AccessRole.Admin);

    /// <summary>Role claims for <paramref name="role"/>: its own name and every role below it, so that "Operator" holds for an admin.</summary>
    public static IEnumerable<Claim> Claims(AccessRole role) =>
        Enum.GetValues<AccessRole>().Where(r => r <= role).Select(r => new Claim(ClaimTypes.Role, r.ToString()));

    /// <summary>The highest role a signed-in caller holds (Viewer when none is given).</summary>
    public static AccessRole RoleOf(ClaimsPrincipal user) =>
        Enum.GetValues<AccessRole>().Where(r => user.IsInRole(r.ToString())).DefaultIfEmpty(AccessRole.Viewer).Max();

    public static AuthorizationBuilder AddAccessPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Operator, p => p.RequireAuthenticatedUser().RequireRole(Operator))
        .AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(Admin));
}
