using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Hosting;

/// <summary>
/// The request body limit (<see cref="RequestLimitsOptions"/>), answered as 413 problem details, and the mapping of
/// Kestrel's bad-request exceptions (a body cut short, a body over the limit sent chunked) to their own 4xx status.
/// </summary>
public static class RequestLimitsExtensions
{
    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestLimitsOptions>().Bind(configuration.GetSection(RequestLimitsOptions.SectionName))
            .Validate(o => o.MaxRequestBodyBytes > 0, "Limits:MaxRequestBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitsOptions>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        services.Configure<ExceptionHandlerOptions>(o => o.StatusCodeSelector = ex => ex switch
        {
            Microsoft.AspNetCore.Http.BadHttpRequestException bad => bad.StatusCode,
            _ => StatusCodes.Status500InternalServerError,
        });
        return services;
    }

    /// <summary>Refuses a declared Content-Length over the limit before anything reads the body.</summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app)
    {
        var limit = app.ApplicationServices.GetRequiredService<IOptions<RequestLimitsOptions>>().Value.MaxRequestBodyBytes;
        return app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > limit)
            {
                await Results.Problem(
                    detail: $"The request body is {context.Request.ContentLength} bytes; at most {limit} are accepted (Limits:MaxRequestBodyBytes).",
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "Request body too large").ExecuteAsync(context);
                return;
            }
            await next(context);
        });
    }
}
