using BitsoWorkflows.Server.Studio.Services;
using Microsoft.Extensions.FileProviders;
using MudBlazor.Services;

namespace BitsoWorkflows.Server.Studio;

/// <summary>The browser Studio (Blazor interactive server rendering with MudBlazor), served by the same process as the engine.</summary>
public static class StudioExtensions
{
    public static WebApplicationBuilder AddStudio(this WebApplicationBuilder builder)
    {
        // MudBlazor's assets come from the package's static web assets, which ASP.NET Core only serves outside
        // Development when asked to; without this the Studio renders unstyled when run from the build folder.
        // Named explicitly because the default name follows the host application, which is not this assembly in tests.
        if (AssetsManifest("runtime") is { } runtimeManifest)
            builder.WebHost.UseSetting(WebHostDefaults.StaticWebAssetsKey, runtimeManifest);
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<RunGrid>();
        builder.Services.AddSingleton<StoreSummary>();
        builder.Services.AddSingleton<StudioRuns>();
        builder.Services.AddSingleton<IBackfillStarter, BackfillStarter>();
        return builder;
    }

    public static WebApplication MapStudio(this WebApplication app)
    {
        var assets = Path.Combine(AppContext.BaseDirectory, "Studio", "wwwroot");
        if (Directory.Exists(assets))
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(assets), RequestPath = "/studio" });
        app.MapStaticAssets(AssetsManifest("endpoints"));
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>
    /// A static web assets manifest of this assembly (<c>runtime</c> or <c>endpoints</c>), named explicitly: when the
    /// server is hosted by another process (tests), the application name — which names the default one — is not ours.
    /// </summary>
    private static string? AssetsManifest(string kind)
    {
        var path = Path.Combine(AppContext.BaseDirectory, $"{typeof(StudioExtensions).Assembly.GetName().Name}.staticwebassets.{kind}.json");
        return File.Exists(path) ? path : null;
    }
}
