namespace BitsoWorkflows.Server.Auth;

/// <summary>A configured user: a name and either a <see cref="PasswordHash"/> (see <see cref="PasswordHasher"/>) or a plain <see cref="Password"/>.</summary>
public sealed class SignInUser
{
    public string Name { get; set; } = "";

    /// <summary>Plain text, for development; hashed in memory at start. Prefer <see cref="PasswordHash"/>.</summary>
    public string? Password { get; set; }

    /// <summary><c>pbkdf2-sha256$iterations$salt$hash</c> as made by <see cref="PasswordHasher.Hash"/>.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Viewer, Operator or Admin; unset means Admin, what every user could do before roles.</summary>
    public AccessRole Role { get; set; } = AccessRole.Admin;
}
