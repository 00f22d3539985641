using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Auth;

/// <summary>Authenticates API calls with HTTP Basic against the configured users.</summary>
public sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    UserDirectory users,
    SignInThrottle throttle,
    AuditLog audit) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Basic";

    /// <summary>The challenge a caller without credentials gets, so clients know they may use Basic.</summary>
    public const string Challenge = "Basic realm=\"BitsoWorkflows\", charset=\"UTF-8\"";

    private TimeSpan? _retryAfter;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, SchemeName, StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter ?? ""));
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("The Basic credentials are not base64.");
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return AuthenticateResult.Fail("The Basic credentials are not 'user:password'.");
        var name = decoded[..colon];
        if (throttle.TryBegin(Context.Connection.RemoteIpAddress, name, out var wait) is not { } attempt)
        {
            _retryAfter = wait;
            return AuthenticateResult.Fail($"Too many wrong passwords from this address or for this user; try again in {SignInThrottle.Describe(wait)}.");
        }
        if (!users.Verify(name, decoded[(colon + 1)..]))
        {
            // Failures only: a Basic client signs in on every call, and its successes would drown the log.
            await audit.RecordAsync(Context, "sign-in", "basic", "failed", actor: name);
            return AuthenticateResult.Fail("Unknown user or wrong password.");
        }
        attempt.Succeeded();

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(SignInClaims.Method, SchemeName), .. AccessPolicies.Claims(users.RoleOf(name))], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_retryAfter is { } wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Challenge;
        return Task.CompletedTask;
    }
}
