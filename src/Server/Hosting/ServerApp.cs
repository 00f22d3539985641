using System.Net;
using System.Text.Json.Serialization;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Server.Api;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Notifications;
using BitsoWorkflows.Server.Observability;
using BitsoWorkflows.Server.Services;
using BitsoWorkflows.Server.Studio;
using Microsoft.AspNetCore.HttpOverrides;
using Scalar.AspNetCore;

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
        builder.Services.AddHostedService<DemoSnapshotService>();
        builder.Services.AddWorkflowEngineHosting();
        builder.Services.AddNotificationRedelivery();
        builder.Services.AddWorkflowScheduling(builder.Configuration, global.Data);
        builder.Services.AddHostedService<ServerLockService>();
        builder.Services.AddProblemDetails();
        builder.Services.AddRequestLimits(builder.Configuration);
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "BitsoWorkflows API";
            document.Info.Description = "Workflows, runs, backfills, spreads and alerts, the lake and the warehouse's questions.";
            return Task.CompletedTask;
        }));
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = DefinitionJson.Options.DefaultIgnoreCondition;
        });

        // Behind a reverse proxy the client's address (which the sign-in throttle and the audit log record) comes from
        // X-Forwarded-For, but only from the proxies listed in ForwardedHeaders:KnownProxies. None is trusted by default,
        // not even loopback: any local process could otherwise claim to be any client.
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var proxy in configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
            // The middleware believes every peer when both lists are empty, so with no proxy it must read no header at all.
            o.ForwardedHeaders = o.KnownProxies.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });

        builder.AddSignIn();
        builder.AddStudio();
        builder.AddObservability();

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestBodyLimit();
        app.UseSignIn();
        app.MapHealthApi();                                // /health, /health/live, /health/ready
        app.MapOpenApi();                                  // /openapi/v1.json
        app.MapScalarApiReference("/api/reference");       // a browsable reference of the same document
        app.MapWorkflowsApi();
        app.MapRunsApi();
        app.MapRunOperationsApi();
        app.MapBackfillsApi();
        app.MapMarketApi();
        app.MapLakeApi();
        app.MapAnswersApi();
        app.MapAuditApi();
        app.MapAssetsApi();
        app.MapNodesApi();
        app.MapMetrics();                                  // /metrics, Prometheus text
        app.MapStudio();
        return app;
    }
}
