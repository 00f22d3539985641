namespace BitsoWorkflows.Server.Auth;

/// <summary>
/// Who may use the Studio and the API (configuration section <c>Auth</c>). The password of <c>admin</c> may also come
/// from the environment variable <c>BW_ADMIN_PASSWORD</c>; with no user at all, one is generated at first start.
/// </summary>
public sealed class SignInOptions
{
    public const string SectionName = "Auth";

    public const string AdminPasswordVariable = "BW_ADMIN_PASSWORD";

    public const string AdminUser = "admin";

    public static readonly TimeSpan DefaultCookieLifetime = TimeSpan.FromHours(12);

    /// <summary>Users who sign in to the Studio and call the API with HTTP Basic.</summary>
    public List<SignInUser> Users { get; set; } = [];

    /// <summary>API keys for automation (header <c>X-Api-Key</c>), given by their SHA-256 hash only.</summary>
    public List<SignInApiKey> ApiKeys { get; set; } = [];

    /// <summary>Wrong passwords one client address may give within <see cref="FailedSignInWindow"/> before it must wait.</summary>
    public int MaxFailedSignIns { get; set; } = 10;

    /// <summary>
    /// Wrong passwords for one user name, from all addresses together, within <see cref="FailedSignInWindow"/> before
    /// that name must wait: stops guessing spread over many addresses. Higher than <see cref="MaxFailedSignIns"/> so that
    /// one address cannot lock a user out; API keys are never throttled.
    /// </summary>
    public int MaxFailedSignInsPerUser { get; set; } = 30;

    /// <summary>The window over which wrong passwords are counted, and so the longest wait.</summary>
    public TimeSpan FailedSignInWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a Studio sign-in lasts without activity.</summary>
    public TimeSpan CookieLifetime { get; set; } = DefaultCookieLifetime;
}
