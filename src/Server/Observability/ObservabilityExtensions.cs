using BitsoWorkflows.Activities.Diagnostics;
using BitsoWorkflows.Engine.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BitsoWorkflows.Server.Observability;

/// <summary>
/// OpenTelemetry for the server: the engine's and the activities' meters, ASP.NET Core, HttpClient and runtime
/// instruments, a Prometheus scrape endpoint, traces of runs, and OTLP export of all three signals when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set.
/// </summary>
public static class ObservabilityExtensions
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ServiceName = "bitso-workflows";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ObservabilityOptions.SectionName);
        builder.Services.AddOptions<ObservabilityOptions>().Bind(section)
            .Validate(o => o.MetricsPath.StartsWith('/'), "Observability:MetricsPath must start with '/'.")
            .Validate(o => string.IsNullOrEmpty(o.ManagementUrl) || o.ManagementPort is > 0, "Observability:ManagementUrl must be an http URL with a port, e.g. http://0.0.0.0:9464.")
            .ValidateOnStart();

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r =>
            {
                // OTEL_SERVICE_NAME, when set, names the service (the SDK reads it); AddService would override it.
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"])) r.AddService(ServiceName);
            })
            .WithMetrics(m => m
                .AddMeter(EngineTelemetry.Name, ActivitiesMetrics.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter())
            // Always on, exporter or not: a run's trace id is stored with it and shown, and log scopes carry it.
            .WithTracing(t => t
                .AddSource(EngineTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/_blazor") && !http.Request.Path.StartsWithSegments("/_framework"))
                .AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
            otel.UseOtlpExporter();

        var managementUrl = section[nameof(ObservabilityOptions.ManagementUrl)];
        if (!string.IsNullOrWhiteSpace(managementUrl))
        {
            var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
            builder.WebHost.UseUrls(string.IsNullOrEmpty(urls) ? managementUrl : $"{urls};{managementUrl}");
        }
        return builder;
    }

    /// <summary>
    /// The scrape endpoint: on the server's URLs for any signed-in caller (scrapers send an API key), or, when
    /// <see cref="ObservabilityOptions.ManagementUrl"/> is set, only on that port and without sign-in.
    /// </summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ObservabilityOptions>>().Value;
        var endpoint = app.MapPrometheusScrapingEndpoint(options.MetricsPath);
        if (options.ManagementPort is { } port)
            endpoint.RequireHost($"*:{port}").AllowAnonymous();
        return app;
    }
}
