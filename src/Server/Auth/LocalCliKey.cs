using BitsoWorkflows.Engine.Hosting;

namespace BitsoWorkflows.Server.Auth;

/// <summary>
/// The API key a running server leaves for CLI verbs on the same machine: <c>cli.key</c> in the data dir, readable
/// only by its owner, renewed at every start. <see cref="Attach"/> it to the client that talks to the server.
/// </summary>
public static class LocalCliKey
{
    public const string FileName = "cli.key";

    public const string HeaderName = ApiKeyAuthenticationHandler.HeaderName;

    public static string PathIn(DataDirectory data) => data.File(FileName);

    /// <summary>The key, or null when no server has written one (or it cannot be read).</summary>
    public static string? Read(DataDirectory data)
    {
        try
        {
            var path = PathIn(data);
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Adds the <c>X-Api-Key</c> header to every request of the client; false when there is no key to add.</summary>
    public static bool Attach(HttpClient http, DataDirectory data)
    {
        if (Read(data) is not { Length: > 0 } key) return false;
        http.DefaultRequestHeaders.Remove(HeaderName);
        http.DefaultRequestHeaders.Add(HeaderName, key);
        return true;
    }
}
