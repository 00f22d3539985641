namespace BitsoWorkflows.Server.Studio;

/// <summary>The browser Studio (Blazor interactive server rendering with MudBlazor), served by the same process as the engine.</summary>
public static class StudioExtensions
{
    public static WebApplicationBuilder AddStudio(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapStudio(this WebApplication app) => app;
}
