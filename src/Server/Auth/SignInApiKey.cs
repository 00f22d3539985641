namespace BitsoWorkflows.Server.Auth;

/// <summary>An API key known by the lowercase hex SHA-256 of the key (<see cref="ApiKeyStore.HashKey"/>); the key itself is never stored.</summary>
public sealed class SignInApiKey
{
    /// <summary>Who or what uses the key; becomes the caller's name.</summary>
    public string Name { get; set; } = "";

    public string Hash { get; set; } = "";

    /// <summary>Viewer, Operator or Admin; unset means Admin, what every key could do before roles.</summary>
    public AccessRole Role { get; set; } = AccessRole.Admin;
}
