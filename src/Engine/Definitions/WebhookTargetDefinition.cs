namespace BitsoWorkflows.Engine.Definitions;

/// <summary>
/// A webhook that receives notifications as JSON POSTs. The signing secret is never written in the definition (which
/// the API and the Studio show): <see cref="SecretName"/> names a secret in the server's configuration,
/// <c>Notifications:WebhookSecrets:&lt;name&gt;</c>.
/// </summary>
public sealed record WebhookTargetDefinition
{
    /// <summary>An absolute http or https URL.</summary>
    public string Url { get; init; } = "";

    /// <summary>When set, each POST carries <c>X-BitsoWorkflows-Signature: sha256=&lt;hex HMAC of the body&gt;</c> made with that configured secret.</summary>
    public string? SecretName { get; init; }
}
