using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Server.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Tests.Auth;

public sealed class UserDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bw-auth-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Verify_WhenNoUserIsConfigured_GeneratesAdminPasswordOnceStoredHashed()
    {
        var firstLog = new CapturingLogger();
        var first = Directory(new SignInOptions(), [], firstLog);
        first.Initialize();
        var password = firstLog.GeneratedPassword();

        var secondLog = new CapturingLogger();
        var second = Directory(new SignInOptions(), [], secondLog);

        Assert.True(first.Verify("admin", password));
        Assert.True(second.Verify("admin", password));
        Assert.False(second.Verify("admin", password + "x"));
        Assert.DoesNotContain(password, File.ReadAllText(first.GeneratedAdminPath));
        Assert.DoesNotContain(secondLog.Messages, m => m.Contains(password, StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.GeneratedAdminPath));
    }

    [Fact]
    public void Verify_WithAdminPasswordFromEnvironmentVariable_AcceptsItAndGeneratesNothing()
    {
        var users = Directory(new SignInOptions(), new() { [SignInOptions.AdminPasswordVariable] = "from-env" }, new CapturingLogger());

        Assert.True(users.Verify("admin", "from-env"));
        Assert.False(users.Verify("admin", "other"));
        Assert.False(File.Exists(users.GeneratedAdminPath));
    }

    [Fact]
    public void Verify_WithConfiguredUsers_AcceptsPlainAndHashedPasswords()
    {
        var options = new SignInOptions
        {
            Users =
            [
                new SignInUser { Name = "markets", Password = "spreads" },
                new SignInUser { Name = "ops", PasswordHash = PasswordHasher.Hash("night-shift") },
            ],
        };
        var users = Directory(options, [], new CapturingLogger());

        Assert.True(users.Verify("markets", "spreads"));
        Assert.True(users.Verify("ops", "night-shift"));
        Assert.False(users.Verify("ops", "spreads"));
        Assert.False(users.Verify("admin", "spreads"));
    }

    [Fact]
    public void PasswordHasher_Hash_UsesAtLeast600000Iterations()
    {
        var parts = PasswordHasher.Hash("x").Split('$');

        Assert.True(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) >= 600_000, parts[1]);
    }

    [Fact]
    public void Verify_WithGeneratedAdminHashOfFewerIterations_UpgradesTheFileAtSignIn()
    {
        var path = Path.Combine(_root, "auth", UserDirectory.GeneratedAdminFile);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, OldHash("old-but-right"));
        var users = Directory(new SignInOptions(), [], new CapturingLogger());

        Assert.False(users.Verify("admin", "wrong"));
        Assert.Contains("$100000$", File.ReadAllText(path));
        Assert.True(users.Verify("admin", "old-but-right"));
        var upgraded = File.ReadAllText(path);

        Assert.False(PasswordHasher.NeedsUpgrade(upgraded));
        Assert.True(PasswordHasher.Verify("old-but-right", upgraded));
        Assert.True(Directory(new SignInOptions(), [], new CapturingLogger()).Verify("admin", "old-but-right"));
    }

    [Fact]
    public void Verify_WithUnknownName_CostsAsMuchHashingAsAKnownName()
    {
        var users = Directory(new SignInOptions { Users = [new SignInUser { Name = "ops", Password = "night-shift" }] }, [], new CapturingLogger());
        users.Initialize();
        _ = users.Verify("nobody", "warm-up");

        var known = Rounds(() => users.Verify("ops", "wrong"));
        var unknown = Rounds(() => users.Verify("nobody", "wrong"));

        // Before: an unknown name answered in microseconds, a known one after 600,000 PBKDF2 rounds. Counted, not
        // timed: a timing comparison fails on a loaded machine.
        Assert.Equal(PasswordHasher.Iterations, known);
        Assert.Equal(known, unknown);
    }

    private static long Rounds(Func<bool> verify)
    {
        var before = PasswordHasher.RoundsOnThisThread;
        Assert.False(verify());
        return PasswordHasher.RoundsOnThisThread - before;
    }


    private static string OldHash(string password)
    {
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var hash = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(password, salt, 100_000, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256$100000${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    [Fact]
    public void PasswordHasher_Verify_RejectsMalformedHashes()
    {
        Assert.False(PasswordHasher.Verify("x", "plain-text"));
        Assert.False(PasswordHasher.Verify("x", "pbkdf2-sha256$abc$AAAA$AAAA"));
        Assert.False(PasswordHasher.Verify("x", "pbkdf2-sha256$1000$not base64$AAAA"));
    }

    [Fact]
    public void ApiKeyStore_Create_StoresOnlyTheHashAndFindsTheOwner()
    {
        var keys = new ApiKeyStore(Options.Create(new SignInOptions()), new DataDirectory(_root), TimeProvider.System);
        keys.Initialize();

        var key = keys.Create("nightly-export");

        Assert.Equal("nightly-export", keys.Find(key));
        Assert.Null(keys.Find(key + "x"));
        Assert.Equal(ApiKeyStore.CliKeyName, keys.Find(LocalCliKey.Read(new DataDirectory(_root))!));
        Assert.DoesNotContain(key, File.ReadAllText(keys.KeysPath));
        Assert.Throws<ArgumentException>(() => keys.Create(" "));
    }

    [Fact]
    public void ApiKeyStore_KeysMadeOrRevokedByAnotherProcess_CountAtOnce()
    {
        var server = new ApiKeyStore(Options.Create(new SignInOptions()), new DataDirectory(_root), TimeProvider.System);
        var cli = new ApiKeyStore(Options.Create(new SignInOptions()), new DataDirectory(_root), TimeProvider.System);
        server.Initialize();
        Assert.Null(server.Find("bw_unknown"));

        var key = cli.Create("made-by-cli");
        var found = server.Find(key);
        var removed = cli.Revoke("made-by-cli");

        Assert.Equal("made-by-cli", found);
        Assert.Equal(1, removed);
        Assert.Null(server.Find(key));
        Assert.Empty(server.ListStored());
    }

    private UserDirectory Directory(SignInOptions options, Dictionary<string, string?> settings, CapturingLogger logger) =>
        new(Options.Create(options), new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), new DataDirectory(_root), logger);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_root)) System.IO.Directory.Delete(_root, recursive: true);
    }

    private sealed class CapturingLogger : ILogger<UserDirectory>
    {
        public List<string> Messages { get; } = [];

        public string GeneratedPassword()
        {
            var message = Assert.Single(Messages, m => m.Contains("was generated", StringComparison.Ordinal));
            var start = message.IndexOf("': ", StringComparison.Ordinal) + 3;
            return message[start..message.IndexOf(' ', start)];
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
