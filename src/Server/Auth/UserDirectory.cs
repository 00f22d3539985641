using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Auth;

/// <summary>
/// The users who may sign in: from configuration (<c>Auth:Users</c>), the <c>admin</c> password from
/// <c>BW_ADMIN_PASSWORD</c>, or — when neither names anyone — an admin whose password is generated at first start,
/// stored hashed under the data dir and logged once.
/// </summary>
public sealed partial class UserDirectory(
    IOptions<SignInOptions> options,
    IConfiguration configuration,
    DataDirectory data,
    ILogger<UserDirectory> logger)
{
    public const string GeneratedAdminFile = "admin.password-hash";

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, byte[]> _verified = new(StringComparer.Ordinal);
    /// <summary>What an unknown name's password is checked against, so that it costs as much as a known one's.</summary>
    private static readonly Lazy<string> UnknownUserHash = new(() => PasswordHasher.Hash(PasswordHasher.GeneratePassword()));

    private volatile Dictionary<string, string>? _hashes;
    private bool _generatedAdmin;

    /// <summary>The file that keeps the generated admin password's hash.</summary>
    public string GeneratedAdminPath => data.File("auth", GeneratedAdminFile);

    /// <summary>Loads the users; generates the admin password on the first start without any. Idempotent.</summary>
    public void Initialize() => _ = Hashes;

    /// <summary>
    /// Whether the name and password belong to a user. An unknown name costs the same hashing as a known one, so the
    /// time taken does not tell which names exist. A hash with fewer iterations than today's is upgraded on success.
    /// </summary>
    public bool Verify(string name, string password)
    {
        if (!Hashes.TryGetValue(name, out var hash))
        {
            _ = PasswordHasher.Verify(password, UnknownUserHash.Value);
            return false;
        }
        // PBKDF2 is slow on purpose; API clients using Basic send the same password on every call, so remember a success.
        var fingerprint = SHA256.HashData(Encoding.UTF8.GetBytes(hash + "\n" + password));
        if (_verified.TryGetValue(name, out var known) && CryptographicOperations.FixedTimeEquals(known, fingerprint)) return true;
        if (!PasswordHasher.Verify(password, hash)) return false;
        if (PasswordHasher.NeedsUpgrade(hash)) hash = Upgrade(name, password);
        _verified[name] = SHA256.HashData(Encoding.UTF8.GetBytes(hash + "\n" + password));
        return true;
    }

    /// <summary>Rehashes with today's iterations; the generated admin's file is rewritten, a configured hash is replaced in memory (and the log says so).</summary>
    private string Upgrade(string name, string password)
    {
        var upgraded = PasswordHasher.Hash(password);
        lock (_gate)
        {
            var hashes = new Dictionary<string, string>(Hashes, StringComparer.Ordinal) { [name] = upgraded };
            if (_generatedAdmin && name == SignInOptions.AdminUser) SecretFile.Write(GeneratedAdminPath, upgraded);
            else LogConfiguredHashWeak(logger, name, PasswordHasher.Iterations);
            _hashes = hashes;
        }
        return upgraded;
    }

    /// <summary>The role of a configured user (Admin for the generated admin and <c>BW_ADMIN_PASSWORD</c>'s admin).</summary>
    public AccessRole RoleOf(string name) =>
        options.Value.Users.FirstOrDefault(u => u.Name == name)?.Role ?? AccessRole.Admin;

    private Dictionary<string, string> Hashes
    {
        get
        {
            if (_hashes is { } loaded) return loaded;
            lock (_gate)
            {
                return _hashes ??= Load();
            }
        }
    }

    private Dictionary<string, string> Load()
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in options.Value.Users)
        {
            if (user.PasswordHash is { } hash) hashes[user.Name] = hash;
            else if (user.Password is { } password) hashes[user.Name] = PasswordHasher.Hash(password);
        }
        if (configuration[SignInOptions.AdminPasswordVariable] is { Length: > 0 } adminPassword)
            hashes[SignInOptions.AdminUser] = PasswordHasher.Hash(adminPassword);
        if (hashes.Count > 0) return hashes;

        var path = GeneratedAdminPath;
        if (File.Exists(path) && File.ReadAllText(path).Trim() is var stored && PasswordHasher.IsWellFormed(stored))
        {
            LogGeneratedEarlier(logger, SignInOptions.AdminUser, path);
        }
        else
        {
            var password = PasswordHasher.GeneratePassword();
            stored = PasswordHasher.Hash(password);
            SecretFile.Write(path, stored);
            LogGenerated(logger, SignInOptions.AdminUser, password, path, SignInOptions.AdminPasswordVariable);
        }
        hashes[SignInOptions.AdminUser] = stored;
        _generatedAdmin = true;
        return hashes;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No user is configured, so a password was generated for '{User}': {Password} — it is shown only now and stored hashed in {Path}. Set {Variable} or Auth:Users to choose your own")]
    private static partial void LogGenerated(ILogger logger, string user, string password, string path, string variable);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The configured PasswordHash of '{User}' has fewer than {Iterations} PBKDF2 iterations; it was upgraded in memory for this run. Replace it in configuration with a new hash (users hash-password)")]
    private static partial void LogConfiguredHashWeak(ILogger logger, string user, int iterations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign in as '{User}' with the password generated at first start (hash in {Path}; delete it to generate a new one)")]
    private static partial void LogGeneratedEarlier(ILogger logger, string user, string path);
}
