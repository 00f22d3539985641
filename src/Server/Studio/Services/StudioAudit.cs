using BitsoWorkflows.Server.Auth;
using Microsoft.AspNetCore.Components.Authorization;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>Records Studio actions in the audit log as the signed-in user of the circuit.</summary>
public sealed class StudioAudit(AuthenticationStateProvider authentication, AuditLog audit)
{
    public async Task RecordAsync(string action, string? target, string outcome = "ok")
    {
        var state = await authentication.GetAuthenticationStateAsync();
        await audit.RecordAsync(state.User, action, target, outcome);
    }
}
