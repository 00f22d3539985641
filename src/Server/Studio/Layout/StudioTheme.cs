using MudBlazor;

namespace BitsoWorkflows.Server.Studio.Layout;

/// <summary>The Studio's colours: Bitso green on a light background.</summary>
public static class StudioTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1a7f5a",
            Secondary = "#3b5bdb",
            AppbarBackground = "#12372a",
            Background = "#f6f7f9",
        },
    };
}
