using System.Security.Claims;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Auth;

/// <summary>Sign-in for the Studio and the API: configured users, a generated admin password, API keys, HTTP Basic.</summary>
public static class SignInExtensions
{
    /// <summary>The default scheme: picks API key, Basic or the Studio's cookie by what the request carries.</summary>
    public const string SchemeName = "BitsoWorkflows";

    public const string LoginPath = "/login";
    public const string LoginPostPath = "/account/login";
    public const string LogoutPath = "/account/logout";

    /// <summary>What anyone may fetch: the health check, the login page and the assets it needs.</summary>
    private static readonly string[] PublicPrefixes = ["/health", LoginPath, LoginPostPath, "/_framework/", "/_content/", "/studio/", "/favicon.ico"];

    public static WebApplicationBuilder AddSignIn(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSignInStores(builder.Configuration);
        services.AddHostedService<SignInStartup>();
        services.AddAntiforgery();
        // Sign-in cookies and antiforgery tokens stay valid across restarts: their keys live in the data dir.
        services.AddKeyRing();

        services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, "API key, Basic or cookie", o => o.ForwardDefaultSelector = SelectScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.LoginPath = LoginPath;
                o.Cookie.Name = "bw.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context => RejectApiOrRedirect(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => RejectApiOrRedirect(context, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null);
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<SignInOptions>>((cookie, signIn) => cookie.ExpireTimeSpan = signIn.Value.CookieLifetime);

        // Everything needs a signed-in caller but the few public paths; a policy on the path rather than on endpoint
        // metadata, so that endpoints mapped elsewhere (API, Studio, those still to come) are covered without opting in.
        // A signed-in caller is at least a Viewer; routes that change things ask for Operator or Admin (AccessPolicies).
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder()
            .RequireAssertion(context => context.User.Identity?.IsAuthenticated == true || (context.Resource is HttpContext http && IsPublic(http.Request.Path)))
            .Build())
            .AddAccessPolicies();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ForbiddenRoleResultHandler>();
        services.AddCascadingAuthenticationState();
        return builder;
    }

    /// <summary>
    /// The users and API keys without the web parts, for CLI verbs too (e.g. <c>apikeys create</c> calls
    /// <see cref="ApiKeyStore.Create"/>; a running server accepts the key at once).
    /// </summary>
    public static IServiceCollection AddSignInStores(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SignInOptions>().Bind(configuration.GetSection(SignInOptions.SectionName))
            .Validate(o => o.Users.All(u => !string.IsNullOrWhiteSpace(u.Name)), "Auth:Users: every user needs a Name.")
            .Validate(o => o.Users.All(u => u.PasswordHash is { } h ? PasswordHasher.IsWellFormed(h) : !string.IsNullOrEmpty(u.Password)),
                "Auth:Users: every user needs a Password or a PasswordHash of the form pbkdf2-sha256$iterations$salt$hash.")
            .Validate(o => o.ApiKeys.All(k => k.Hash.Length == 64 && k.Hash.All(Uri.IsHexDigit)), "Auth:ApiKeys: every Hash must be the 64-character hex SHA-256 of the key.")
            .Validate(o => o.CookieLifetime > TimeSpan.Zero, "Auth:CookieLifetime must be positive.")
            .Validate(o => o.MaxFailedSignIns > 0, "Auth:MaxFailedSignIns must be at least 1.")
            .Validate(o => o.MaxFailedSignInsPerUser > 0, "Auth:MaxFailedSignInsPerUser must be at least 1.")
            .Validate(o => o.FailedSignInWindow > TimeSpan.Zero, "Auth:FailedSignInWindow must be positive.")
            .ValidateOnStart();
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<SignInThrottle>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    public static WebApplication UseSignIn(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseApiRequestGuards();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapPost(LoginPostPath, LoginAsync).ExcludeFromDescription();
        app.MapPost(LogoutPath, (Delegate)LogoutAsync).ExcludeFromDescription();
        return app;
    }

    public static bool IsPublic(PathString path) =>
        PublicPrefixes.Any(p => path.StartsWithSegments(p.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));

    private static string SelectScheme(HttpContext context)
    {
        if (context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)) return ApiKeyAuthenticationHandler.SchemeName;
        if (context.Request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return BasicAuthenticationHandler.SchemeName;
        return CookieAuthenticationDefaults.AuthenticationScheme;
    }

    private static bool IsApi(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || context.Request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
        || context.Request.Path.StartsWithSegments(context.RequestServices.GetRequiredService<IOptions<Observability.ObservabilityOptions>>().Value.MetricsPath, StringComparison.OrdinalIgnoreCase);

    private static Task RejectApiOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // API calls get a status, never a redirect to a login page they cannot fill in.
        if (IsApi(context.HttpContext) || context.Request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status401Unauthorized)
                context.Response.Headers.WWWAuthenticate = BasicAuthenticationHandler.Challenge;
        }
        else if (status == StatusCodes.Status403Forbidden)
        {
            // A signed-in user on a page their role may not open (e.g. API keys without Admin): say so, no redirect.
            context.Response.StatusCode = status;
            return context.Response.WriteAsync($"This page needs a role you do not have ({AccessPolicies.RoleOf(context.HttpContext.User)}).");
        }
        else
            context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static async Task<IResult> LoginAsync([FromForm] LoginForm form, HttpContext http, UserDirectory users, SignInThrottle throttle, AuditLog audit)
    {
        var returnUrl = LocalOrRoot(form.ReturnUrl);
        if (string.IsNullOrEmpty(form.Username) || string.IsNullOrEmpty(form.Password))
            return Results.Redirect($"{LoginPath}?error=1&returnUrl={Uri.EscapeDataString(returnUrl)}");
        if (throttle.TryBegin(http.Connection.RemoteIpAddress, form.Username, out var wait) is not { } attempt)
        {
            await audit.RecordAsync(http, "sign-in", "studio", "throttled", actor: form.Username);
            return Results.Redirect($"{LoginPath}?error=wait&retryAfter={(int)Math.Ceiling(wait.TotalSeconds)}&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }
        if (!users.Verify(form.Username, form.Password))
        {
            await audit.RecordAsync(http, "sign-in", "studio", "failed", actor: form.Username);
            return Results.Redirect($"{LoginPath}?error=1&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }
        attempt.Succeeded();
        await audit.RecordAsync(http, "sign-in", "studio", "ok", actor: form.Username);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, form.Username), new Claim(SignInClaims.Method, CookieAuthenticationDefaults.AuthenticationScheme), .. AccessPolicies.Claims(users.RoleOf(form.Username))],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(returnUrl);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http)
    {
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.LocalRedirect(LoginPath);
    }

    /// <summary>Only local paths, so the login form cannot be used to send people elsewhere.</summary>
    private static string LocalOrRoot(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";

    /// <summary>The login form's fields.</summary>
    public sealed class LoginForm
    {
        public string? Username { get; set; }

        public string? Password { get; set; }

        public string? ReturnUrl { get; set; }
    }
}
