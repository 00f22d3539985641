namespace BitsoWorkflows.Server.Auth;

/// <summary>At start: loads the users (generating the admin password on the first start) and writes the local CLI key.</summary>
public sealed class SignInStartup(UserDirectory users, ApiKeyStore keys) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        users.Initialize();
        keys.Initialize();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
