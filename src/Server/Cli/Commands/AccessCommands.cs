using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Hosting;

using BitsoWorkflows.Server.Output;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary><c>apikeys create | list | revoke</c> and <c>users hash-password</c>: access to the API and the Studio.</summary>
public static class AccessCommands
{
    public static async Task<int> ApiKeysAsync(CliArguments cli, GlobalOptions global)
    {
        var sub = cli.RequirePositional(1, "apikeys sub-verb (create, list, revoke)");
        switch (sub)
        {
            case "create":
                {
                    var name = cli.RequirePositional(2, "key name");
                    var roleText = cli.Option("role") ?? nameof(AccessRole.Admin);
                    if (!EnumNames.TryParse<AccessRole>(roleText, out var role))
                        throw new CliUsageException($"--role must be viewer, operator or admin, got '{roleText}'");
                    cli.EnsureAllOptionsUsed();
                    await using var host = await CliHost.StartAsync(global, importWorkflows: false);
                    var key = host.Get<ApiKeyStore>().Create(name, role);
                    await host.Get<AuditLog>().RecordAsync(CliActor, "cli", "apikey.create", name, "ok");
                    Console.WriteLine(key);
                    Console.Error.WriteLine($"API key '{name}' created; it is shown only now. Send it as the X-Api-Key header.");
                    return 0;
                }
            case "list":
                {
                    var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
                    cli.EnsureAllOptionsUsed();
                    await using var host = await CliHost.StartAsync(global, importWorkflows: false);
                    var keys = host.Get<ApiKeyStore>().ListStored().Select(k => new { k.Name, Role = (k.Role ?? AccessRole.Admin).ToString(), k.CreatedAt }).ToList();
                    Console.Write(format == OutputFormat.Json
                        ? JsonSerializer.Serialize(keys, DefinitionJson.Options) + Environment.NewLine
                        : TableWriter.Render(["name", "role", "created"], keys.Select(k => (IReadOnlyList<object?>)[k.Name, k.Role, k.CreatedAt])));
                    return 0;
                }
            case "revoke":
                {
                    var name = cli.RequirePositional(2, "key name");
                    cli.EnsureAllOptionsUsed();
                    await using var host = await CliHost.StartAsync(global, importWorkflows: false);
                    var revoked = host.Get<ApiKeyStore>().Revoke(name);
                    await host.Get<AuditLog>().RecordAsync(CliActor, "cli", "apikey.revoke", name, revoked > 0 ? "ok" : "not-found");
                    if (revoked == 0) throw new CliUsageException($"no stored API key is named '{name}'");
                    Console.WriteLine($"API key '{name}' revoked");
                    return 0;
                }
            default:
                throw new CliUsageException($"unknown verb 'apikeys {sub}' (use create, list, revoke)");
        }
    }

    /// <summary>Who a CLI verb run on this machine acts as, in the audit log: the operating-system user.</summary>
    public static string CliActor => $"cli:{Environment.UserName}";

    public static Task<int> UsersAsync(CliArguments cli)
    {
        var sub = cli.RequirePositional(1, "users sub-verb (hash-password)");
        if (sub != "hash-password") throw new CliUsageException($"unknown verb 'users {sub}' (use hash-password)");
        cli.EnsureAllOptionsUsed();
        Console.Error.Write("password: ");
        var password = Console.ReadLine();
        if (string.IsNullOrEmpty(password)) throw new CliUsageException("no password given on standard input");
        // For Auth:Users:<n>:PasswordHash in configuration, so no plain password sits in a file.
        Console.WriteLine(PasswordHasher.Hash(password));
        return Task.FromResult(0);
    }
}
