namespace BitsoWorkflows.Server.Auth;

/// <summary>Claims this server puts on its callers beside the name.</summary>
public static class SignInClaims
{
    /// <summary>How the caller proved who they are: <c>Cookies</c>, <c>ApiKey</c> or <c>Basic</c>.</summary>
    public const string Method = "bw:method";
}
