using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BitsoWorkflows.Server.Auth;

/// <summary>Salted PBKDF2-SHA256 password hashes, as text: <c>pbkdf2-sha256$iterations$salt$hash</c> (base64).</summary>
public static class PasswordHasher
{
    /// <summary>OWASP's 2023 advice for PBKDF2-HMAC-SHA256; hashes with fewer are upgraded at the next sign-in.</summary>
    public const int Iterations = 600_000;

    private const string Prefix = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    [ThreadStatic]
    private static long t_roundsOnThisThread;

    /// <summary>
    /// PBKDF2 rounds this thread has run in <see cref="Verify"/>: what a sign-in costs, counted rather than timed, so
    /// a test can show that an unknown name costs as much as a known one on a machine of any speed or load.
    /// </summary>
    internal static long RoundsOnThisThread => t_roundsOnThisThread;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"{Prefix}${Iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Whether the password matches the hash; false for a malformed hash.</summary>
    public static bool Verify(string password, string encoded)
    {
        var parts = encoded.Split('$');
        if (parts.Length != 4 || parts[0] != Prefix || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
            return false;
        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
            var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
            t_roundsOnThisThread += iterations;
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Whether a well-formed hash was made with fewer iterations than <see cref="Iterations"/>.</summary>
    public static bool NeedsUpgrade(string encoded) =>
        encoded.Split('$') is [Prefix, var count, _, _] && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) && iterations < Iterations;

    /// <summary>Whether text looks like a hash made by <see cref="Hash"/> (to validate configuration).</summary>
    public static bool IsWellFormed(string encoded) => encoded.Split('$') is [Prefix, _, _, _];

    /// <summary>A random password people can type: 20 characters from an unambiguous alphabet.</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }
}
