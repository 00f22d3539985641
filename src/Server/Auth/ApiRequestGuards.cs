using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace BitsoWorkflows.Server.Auth;

/// <summary>
/// Checks on unsafe <c>/api</c> calls before any endpoint runs: a body must be JSON (else 415), and a call signed in
/// by the Studio's cookie must carry the antiforgery token (header <c>RequestVerificationToken</c>, else 403) — a
/// browser sends the cookie along with a form or <c>fetch</c> from any page, even one served from another port of
/// this host. API keys and Basic are sent only by clients that hold them, so they need no token.
/// </summary>
public static class ApiRequestGuards
{
    public static IApplicationBuilder UseApiRequestGuards(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || HttpMethods.IsGet(request.Method)
            || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            await next(context);
            return;
        }

        if (HasBody(request) && !IsJson(request.ContentType))
        {
            await Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"This endpoint reads JSON; send Content-Type: application/json (got '{request.ContentType}').").ExecuteAsync(context);
            return;
        }

        if (context.User.FindFirst(SignInClaims.Method)?.Value == CookieAuthenticationDefaults.AuthenticationScheme)
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                await Problem(StatusCodes.Status403Forbidden, "Antiforgery token missing or invalid",
                    "A call signed in with the Studio's cookie must carry its antiforgery token in the RequestVerificationToken header; scripts should use an API key.").ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    });

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsJson(string? contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail: detail, statusCode: status, title: title);
}
