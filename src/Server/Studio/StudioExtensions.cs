using System.Text;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Server.Output;
using BitsoWorkflows.Server.Studio.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.FileProviders;
using MudBlazor.Services;

namespace BitsoWorkflows.Server.Studio;

/// <summary>The browser Studio (Blazor interactive server rendering with MudBlazor), served by the same process as the engine.</summary>
public static class StudioExtensions
{
    /// <summary>
    /// Where the data page's CSV download posts its SQL. Not under <c>/studio/</c>, which is public for the static
    /// assets: this one needs a signed-in user (and the form's anti-forgery token) like every page.
    /// </summary>
    public const string QueryCsvPath = "/data/query.csv";

    public static WebApplicationBuilder AddStudio(this WebApplicationBuilder builder)
    {
        // MudBlazor's assets come from the package's static web assets, which ASP.NET Core only serves outside
        // Development when asked to; without this the Studio renders unstyled when run from the build folder.
        // Named explicitly because the default name follows the host application, which is not this assembly in tests.
        if (AssetsManifest("runtime") is { } runtimeManifest)
            builder.WebHost.UseSetting(WebHostDefaults.StaticWebAssetsKey, runtimeManifest);
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // Notices at the bottom right: at the top they would cover the editor's graph while it is being edited.
        builder.Services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        builder.Services.AddSingleton<RunGrid>();
        builder.Services.AddSingleton<RunCalendar>();
        builder.Services.AddSingleton<StoreSummary>();
        builder.Services.AddSingleton<SystemFigures>();
        builder.Services.AddSingleton<StudioRuns>();
        builder.Services.AddScoped<StudioAudit>();
        return builder;
    }

    public static WebApplication MapStudio(this WebApplication app)
    {
        var assets = Path.Combine(AppContext.BaseDirectory, "Studio", "wwwroot");
        if (Directory.Exists(assets))
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(assets), RequestPath = "/studio" });
        app.MapStaticAssets(AssetsManifest("endpoints"));
        app.MapPost(QueryCsvPath, DownloadQueryCsvAsync).ExcludeFromDescription();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>The data page's query result as a CSV file; a refused or failed query is a 400 problem saying why.</summary>
    private static async Task<IResult> DownloadQueryCsvAsync([FromForm(Name = "sql")] string? sql, [FromServices] LakeQueryService lake, HttpResponse response, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(sql))
            return TypedResults.Problem("sql is required", statusCode: StatusCodes.Status400BadRequest);
        try
        {
            var result = await lake.QueryAsync(sql, cancellationToken);
            var csv = Encoding.UTF8.GetBytes(LakeQueryResultFormatter.Format(result, LakeQueryOutputFormat.Csv));
            return TypedResults.File(csv, "text/csv; charset=utf-8", "query.csv");
        }
        catch (LakeQueryException ex)
        {
            return Api.LakeApi.Problem(ex, response);
        }
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
