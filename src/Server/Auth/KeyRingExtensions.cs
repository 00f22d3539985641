using System.Xml.Linq;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BitsoWorkflows.Server.Auth;

/// <summary>
/// The Data Protection key ring under <c>auth/keys</c> in the data dir, for the server and the CLI alike: it signs
/// sign-in cookies and antiforgery tokens and encrypts secret params, and outlives restarts. Key files are 0600.
/// </summary>
public static class KeyRingExtensions
{
    public const string ApplicationName = "BitsoWorkflows";

    public static IServiceCollection AddKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<DataDirectory, ILoggerFactory>((o, data, logs) =>
            o.XmlRepository = new OwnerOnlyXmlRepository(new DirectoryInfo(data.Folder("auth", "keys")), logs));
        services.Replace(ServiceDescriptor.Singleton<IParamProtector, DataProtectionParamProtector>());
        return services;
    }

    /// <summary>Encrypts secret params' values with the key ring.</summary>
    private sealed class DataProtectionParamProtector(IDataProtectionProvider provider) : IParamProtector
    {
        private readonly IDataProtector _protector = provider.CreateProtector("BitsoWorkflows.SecretParams.v1");

        public string Protect(string plaintext) => _protector.Protect(plaintext);

        public string Unprotect(string protectedText) => _protector.Unprotect(protectedText);
    }

    /// <summary>The file system repository, with every key file made readable by its owner only.</summary>
    private sealed class OwnerOnlyXmlRepository(DirectoryInfo folder, ILoggerFactory logs) : IXmlRepository
    {
        private readonly FileSystemXmlRepository _inner = new(folder, logs);

        public IReadOnlyCollection<XElement> GetAllElements() => _inner.GetAllElements();

        public void StoreElement(XElement element, string friendlyName)
        {
            _inner.StoreElement(element, friendlyName);
            foreach (var file in folder.EnumerateFiles("*.xml")) DataDirectory.EnsurePrivateFile(file.FullName);
        }
    }
}
