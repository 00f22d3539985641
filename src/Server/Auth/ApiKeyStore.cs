using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Auth;

/// <summary>
/// API keys for the header <c>X-Api-Key</c>, kept only as SHA-256 hashes: from configuration (<c>Auth:ApiKeys</c>),
/// from <c>auth/api-keys.json</c> under the data dir (keys made by <see cref="Create"/>), and the local CLI key
/// this server writes at start (<see cref="LocalCliKey"/>).
/// </summary>
public sealed class ApiKeyStore(IOptions<SignInOptions> options, DataDirectory data, TimeProvider time)
{
    public const string KeysFile = "api-keys.json";
    public const string CliKeyName = "cli";

    private readonly Lock _gate = new();
    private volatile Dictionary<string, KeyOwner>? _ownerByHash;
    private string? _cliHash;
    private DateTime _loadedFileStamp;

    public string KeysPath { get; } = data.File("auth", KeysFile);

    /// <summary>Lowercase hex SHA-256: API keys are long random strings, so a fast hash is safe.</summary>
    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Writes a fresh local CLI key (a new one each start, so a key outlives its server by nothing) and loads the keys.</summary>
    public void Initialize()
    {
        lock (_gate)
        {
            var cliKey = NewKey();
            SecretFile.Write(LocalCliKey.PathIn(data), cliKey);
            _cliHash = HashKey(cliKey);
            Reload();
        }
    }

    /// <summary>The name of the key's owner, or null when the key is unknown.</summary>
    public string? Find(string key) => FindOwner(key)?.Name;

    /// <summary>The key's owner and role, or null when the key is unknown.</summary>
    public KeyOwner? FindOwner(string key)
    {
        // Keys made by another process (a CLI verb) count as soon as they are in the file. Only the server's start
        // (Initialize) writes the CLI key: a CLI process reading keys must not replace the key its server holds.
        if (_ownerByHash is null || FileStamp() != _loadedFileStamp)
            lock (_gate) Reload();
        return _ownerByHash!.GetValueOrDefault(HashKey(key));
    }

    /// <summary>Makes a key for <paramref name="name"/>, stores its hash and returns the key: the only time it is seen.</summary>
    public string Create(string name, AccessRole role = AccessRole.Admin)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("An API key needs a name saying who uses it.", nameof(name));
        var key = NewKey();
        lock (_gate)
        {
            var stored = ReadFile();
            stored.Add(new StoredKey(name.Trim(), HashKey(key), time.GetUtcNow()) { Role = role });
            SecretFile.Write(KeysPath, JsonSerializer.Serialize(stored, JsonSerializerOptions.Web));
            Reload();
        }
        return key;
    }

    /// <summary>Deletes the stored keys of <paramref name="name"/>; returns how many. Keys from configuration stay.</summary>
    public int Revoke(string name)
    {
        lock (_gate)
        {
            var stored = ReadFile();
            var removed = stored.RemoveAll(k => k.Name == name);
            if (removed > 0)
            {
                SecretFile.Write(KeysPath, JsonSerializer.Serialize(stored, JsonSerializerOptions.Web));
                Reload();
            }
            return removed;
        }
    }

    /// <summary>Keys stored in the data dir (names and creation times; never the keys).</summary>
    public IReadOnlyList<StoredKey> ListStored()
    {
        lock (_gate) return ReadFile();
    }

    private void Reload()
    {
        _loadedFileStamp = FileStamp();
        var byHash = new Dictionary<string, KeyOwner>(StringComparer.Ordinal);
        foreach (var key in options.Value.ApiKeys.Where(k => k.Hash.Length > 0)) byHash[key.Hash.ToLowerInvariant()] = new(key.Name, key.Role);
        foreach (var key in ReadFile()) byHash[key.Hash] = new(key.Name, key.Role ?? AccessRole.Admin);
        if (_cliHash is not null) byHash[_cliHash] = new(CliKeyName, AccessRole.Admin);
        _ownerByHash = byHash;
    }

    private DateTime FileStamp()
    {
        var file = new FileInfo(KeysPath);
        return file.Exists ? file.LastWriteTimeUtc.AddTicks(file.Length) : DateTime.MinValue;
    }

    private List<StoredKey> ReadFile()
    {
        var path = KeysPath;
        if (!File.Exists(path)) return [];
        try
        {
            return JsonSerializer.Deserialize<List<StoredKey>>(File.ReadAllText(path), JsonSerializerOptions.Web) ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{path} is not a valid API key file: {ex.Message}", ex);
        }
    }

    private static string NewKey() => "bw_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>An API key as stored: who has it, its hash and when it was made.</summary>
    public sealed record StoredKey(string Name, string Hash, DateTimeOffset CreatedAt)
    {
        /// <summary>Null for keys made before roles: they keep full rights, and show as Admin.</summary>
        [System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<AccessRole>))]
        public AccessRole? Role { get; init; }
    }

    /// <summary>Who holds a key, and what they may do.</summary>
    public sealed record KeyOwner(string Name, AccessRole Role);
}
