using Microsoft.Playwright;

namespace BitsoWorkflows.Server.Tests.Studio.Support;

/// <summary>
/// One real server and one headless Debian Chromium for the Studio's browser tests. Playwright's own browser
/// download does not work here, so the system Chromium is driven; without it the tests skip.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private StudioTestServer? _server;
    private IBrowserContext? _context;

    public static bool ChromiumInstalled => File.Exists(ChromiumPath);

    public StudioTestServer Server => _server ?? throw new InvalidOperationException("The server did not start.");

    /// <summary>Where screenshots go: kept as test artifacts beside the test assembly.</summary>
    public static string ArtifactsDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts", "studio")).FullName;

    public async Task InitializeAsync()
    {
        if (!ChromiumInstalled) return;
        _server = await StartServerAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        });
    }

    /// <summary>The server the browser drives: the default test workflows unless a derived fixture says otherwise.</summary>
    protected virtual Task<StudioTestServer> StartServerAsync() => StudioTestServer.StartAsync();

    /// <summary>
    /// A fresh browser context (own cookies) on the server. The tests of a class run one after the other, so the
    /// previous test's context is closed first: its live circuit (pages refreshing every second or three) would
    /// otherwise keep loading the server and the browser for the rest of the class.
    /// </summary>
    public async Task<IPage> NewPageAsync()
    {
        if (_context is not null) await _context.CloseAsync();
        var context = _context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 960 },
        });
        context.SetDefaultTimeout(20_000);
        // Expectations wait as long as actions: on a loaded 2-core machine a Blazor render can take seconds.
        Assertions.SetDefaultExpectTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>A page already signed in as admin through the login form.</summary>
    public Task<IPage> SignedInPageAsync() => SignedInPageAsync("admin", StudioTestServer.AdminPassword);

    /// <summary>A page signed in as <paramref name="user"/> through the login form.</summary>
    public async Task<IPage> SignedInPageAsync(string user, string password)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("User").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>Waits until the page's Blazor circuit handles events (see the Studio's CircuitProbe).</summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("[data-testid=circuit][data-live=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Clicks the Run-now dialog's Start button and waits for the new run's page; returns the run id. When no run page
    /// follows, fails with what the dialog shows (and a screenshot), not with a bare navigation timeout.
    /// </summary>
    public static async Task<string> StartRunFromDialogAsync(IPage page)
    {
        await page.GetByTestId("start-run").ClickAsync();
        var runPage = new System.Text.RegularExpressions.Regex("/runs/[0-9a-f]{32}$");
        try
        {
            await Assertions.Expect(page).ToHaveURLAsync(runPage);
        }
        catch (PlaywrightException ex)
        {
            await ScreenshotAsync(page, "failed-start-run");
            var dialog = await page.GetByRole(AriaRole.Dialog).AllInnerTextsAsync();
            var circuitFailed = await page.Locator("#blazor-error-ui").IsVisibleAsync();
            throw new InvalidOperationException(
                $"No run page after Start run (still at {page.Url}; {(circuitFailed ? "the circuit failed" : "the circuit is up")}); the dialog shows: {string.Join(" | ", dialog)}", ex);
        }
        return page.Url[(page.Url.LastIndexOf('/') + 1)..];
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        // From the top: a full-page shot of a scrolled page draws the fixed app bar across the middle.
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }
}
