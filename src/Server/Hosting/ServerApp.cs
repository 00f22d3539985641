using System.Text.Json.Serialization;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Server.Api;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Services;
using BitsoWorkflows.Server.Studio;

namespace BitsoWorkflows.Server.Hosting;

/// <summary>The web server: engine, REST API and health endpoint, listening on <see cref="GlobalOptions.Urls"/>.</summary>
public static class ServerApp
{
    public static WebApplication Build(GlobalOptions global, string[]? configurationArgs = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = configurationArgs ?? [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(global.ConfigurationValues());
        builder.WebHost.UseUrls(global.Urls);
        builder.Services.AddBitsoWorkflows(builder.Configuration, global);
        builder.Services.AddWorkflowEngineHosting();
        builder.Services.AddWorkflowScheduling(builder.Configuration, new DataDirectory(global.DataDir));
        builder.Services.AddHostedService<ServerLockService>();
        builder.Services.AddSingleton<WorkflowOverview>();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = DefinitionJson.Options.DefaultIgnoreCondition;
        });

        builder.AddSignIn();
        builder.AddStudio();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSignIn();
        app.MapGet("/health", (EngineReadiness readiness) => readiness.IsReady
                ? Results.Ok(new { status = "ready" })
                : Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithTags("Health");
        app.MapWorkflowsApi();
        app.MapRunsApi();
        app.MapBackfillsApi();
        app.MapMarketApi();
        app.MapLakeApi();
        app.MapStudio();
        return app;
    }
}
