using BitsoWorkflows.Server.Tests.Studio.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BitsoWorkflows.Server.Tests.Studio;

/// <summary>The Studio shows each role only the actions it may take.</summary>
public sealed class StudioRoleBrowserTests(StudioRoleBrowserTests.RolesFixture browser) : IClassFixture<StudioRoleBrowserTests.RolesFixture>
{
    private const string SkipReason = "Debian's Chromium is not installed at " + BrowserFixture.ChromiumPath + " (apt-get install chromium)";

    [SkippableFact]
    public async Task Workflows_AsViewer_HidesRunNowAndBackfillAndDisablesPause()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync("vera", "viewer-password");

        await Expect(page.GetByTestId("workflows-table")).ToContainTextAsync("Hello");
        await Expect(page.GetByTestId($"run-{TestWorkflows.HelloId}")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId($"backfill-{TestWorkflows.HelloId}")).ToHaveCountAsync(0);
        await Expect(page.Locator($"[data-testid=pause-{TestWorkflows.HelloId}] input, input[data-testid=pause-{TestWorkflows.HelloId}]").First).ToBeDisabledAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "API keys" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "roles-viewer-workflows");

        await page.GotoAsync($"/workflows/{TestWorkflows.HelloId}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("publish-needs-admin")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("publish")).ToHaveCountAsync(0);
    }

    [SkippableFact]
    public async Task Workflows_AsOperator_ShowsRunNowButNotPublish()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync("otto", "operator-password");

        await Expect(page.GetByTestId($"run-{TestWorkflows.HelloId}")).ToBeVisibleAsync();
        await Expect(page.GetByTestId($"backfill-{TestWorkflows.HelloId}")).ToBeVisibleAsync();

        await page.GotoAsync($"/workflows/{TestWorkflows.HelloId}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("publish-needs-admin")).ToBeVisibleAsync();
        var keys = await page.GotoAsync("/settings/api-keys");
        Assert.Equal(403, keys!.Status);
        Assert.Contains("needs a role you do not have (Operator)", await keys.TextAsync());
    }

    [SkippableFact]
    public async Task Workflows_AsAdmin_ShowsEveryAction()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();

        await Expect(page.GetByTestId($"run-{TestWorkflows.HelloId}")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "API keys" })).ToBeVisibleAsync();
        await page.GotoAsync($"/workflows/{TestWorkflows.HelloId}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("publish")).ToBeVisibleAsync();

        await page.GotoAsync("/settings/audit");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("audit-table")).ToContainTextAsync("sign-in");
        await BrowserFixture.ScreenshotAsync(page, "roles-admin-audit");
    }

    /// <summary>The default test server with a viewer and an operator beside the admin.</summary>
    public sealed class RolesFixture : BrowserFixture
    {
        protected override Task<StudioTestServer> StartServerAsync() => StudioTestServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Auth:Users:1:Name"] = "vera",
            ["Auth:Users:1:Password"] = "viewer-password",
            ["Auth:Users:1:Role"] = "Viewer",
            ["Auth:Users:2:Name"] = "otto",
            ["Auth:Users:2:Password"] = "operator-password",
            ["Auth:Users:2:Role"] = "Operator",
        });
    }
}
