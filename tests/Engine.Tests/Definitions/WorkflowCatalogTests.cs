using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Tests.Support;

namespace BitsoWorkflows.Engine.Tests.Definitions;

public sealed class WorkflowCatalogTests
{
    private static string Hello(string message) => Workflows.Json("hello", $$"""{ "id": "a", "type": "Log", "inputs": { "message": "{{message}}" } }""");

    [Fact]
    public async Task ImportDirectory_WhenFileUnchanged_DoesNotAddVersion()
    {
        await using var engine = await TestEngine.StartAsync();
        var catalog = engine.Get<WorkflowCatalog>();
        await File.WriteAllTextAsync(Path.Combine(engine.WorkflowsDirectory, "hello.json"), Hello("one"));

        var first = await catalog.ImportDirectoryAsync(CancellationToken.None);
        var second = await catalog.ImportDirectoryAsync(CancellationToken.None);

        Assert.Equal(1, first.Single().NewVersion);
        Assert.Null(second.Single().NewVersion);
        Assert.Single(await catalog.Store.HistoryAsync("hello", CancellationToken.None));
    }

    [Fact]
    public async Task ImportDirectory_WhenAFileCannotBeRead_ReportsItAndImportsTheOthers()
    {
        await using var engine = await TestEngine.StartAsync();
        var catalog = engine.Get<WorkflowCatalog>();
        // A link whose target is gone (an editor's save half done, a checkout that moved it): listed, but not readable.
        File.CreateSymbolicLink(Path.Combine(engine.WorkflowsDirectory, "a-gone.json"), Path.Combine(engine.WorkflowsDirectory, "nowhere", "gone.json"));
        await File.WriteAllTextAsync(Path.Combine(engine.WorkflowsDirectory, "hello.json"), Hello("one"));

        var results = await catalog.ImportDirectoryAsync(CancellationToken.None);

        var gone = results.Single(r => r.File == "a-gone.json");
        Assert.Contains("cannot be read", Assert.Single(gone.Errors).Message);
        Assert.Equal(1, results.Single(r => r.File == "hello.json").NewVersion);
    }

    [Fact]
    public async Task ImportDirectory_WhenFileEdited_AddsPublishedVersionAndKeepsOldOne()
    {
        await using var engine = await TestEngine.StartAsync();
        var catalog = engine.Get<WorkflowCatalog>();
        var file = Path.Combine(engine.WorkflowsDirectory, "hello.json");
        await File.WriteAllTextAsync(file, Hello("one"));
        await catalog.ImportDirectoryAsync(CancellationToken.None);

        await File.WriteAllTextAsync(file, Hello("two"));
        await catalog.ImportDirectoryAsync(CancellationToken.None);

        var history = await catalog.Store.HistoryAsync("hello", CancellationToken.None);
        Assert.Equal([2, 1], history.Select(v => v.Version));
        Assert.Contains("one", history[1].Json);
        var published = await catalog.GetPublishedAsync("hello", CancellationToken.None);
        Assert.Equal(2, published!.Version);
        Assert.Equal("two", published.Definition.Activities[0].Inputs["message"].GetString());
    }

    [Fact]
    public async Task ImportDirectory_WhenVersionPublishedLater_UnchangedFileDoesNotOverwriteIt()
    {
        await using var engine = await TestEngine.StartAsync();
        var catalog = engine.Get<WorkflowCatalog>();
        await File.WriteAllTextAsync(Path.Combine(engine.WorkflowsDirectory, "hello.json"), Hello("file"));
        await catalog.ImportDirectoryAsync(CancellationToken.None);
        await catalog.PublishAsync(Hello("studio"), "studio", null, CancellationToken.None);

        await catalog.ImportDirectoryAsync(CancellationToken.None);

        var published = await catalog.GetPublishedAsync("hello", CancellationToken.None);
        Assert.Equal(2, published!.Version);
        Assert.Equal("studio", published.Definition.Activities[0].Inputs["message"].GetString());
    }

    [Fact]
    public async Task ImportDirectory_WhenOneFileInvalid_LoadsTheOthersAndReportsTheFile()
    {
        await using var engine = await TestEngine.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(engine.WorkflowsDirectory, "a-bad.json"), Workflows.Json("bad", """{ "id": "a", "type": "Nope" }"""));
        await File.WriteAllTextAsync(Path.Combine(engine.WorkflowsDirectory, "b-good.json"), Hello("ok"));

        var results = await engine.Get<WorkflowCatalog>().ImportDirectoryAsync(CancellationToken.None);

        var bad = results.Single(r => r.File == "a-bad.json");
        Assert.Contains(bad.Errors, e => e.File == "a-bad.json" && e.Path == "$.activities[0].type");
        Assert.NotNull(await engine.Get<WorkflowCatalog>().GetPublishedAsync("hello", CancellationToken.None));
    }

    [Fact]
    public async Task ImportDirectory_WhenTwoFilesShareAnId_RejectsTheSecond()
    {
        await using var engine = await TestEngine.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(engine.WorkflowsDirectory, "a.json"), Hello("a"));
        await File.WriteAllTextAsync(Path.Combine(engine.WorkflowsDirectory, "b.json"), Hello("b"));

        var results = await engine.Get<WorkflowCatalog>().ImportDirectoryAsync(CancellationToken.None);

        Assert.Contains(results.Single(r => r.File == "b.json").Errors, e => e.Message.Contains("duplicate workflow id 'hello' (also defined in a.json)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Revert_CreatesNewVersionWithOldContent()
    {
        await using var engine = await TestEngine.StartAsync();
        var catalog = engine.Get<WorkflowCatalog>();
        await catalog.PublishAsync(Hello("one"), "test", null, CancellationToken.None);
        await catalog.PublishAsync(Hello("two"), "test", null, CancellationToken.None);

        var reverted = await catalog.Store.RevertAsync("hello", 1, CancellationToken.None);

        Assert.Equal(3, reverted.Version);
        Assert.Equal("revert", reverted.Origin);
        var published = await catalog.GetPublishedAsync("hello", CancellationToken.None);
        Assert.Equal("one", published!.Definition.Activities[0].Inputs["message"].GetString());
        Assert.Equal(3, (await catalog.Store.HistoryAsync("hello", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Publish_WhenInvalid_ReturnsErrorsAndStoresNothing()
    {
        await using var engine = await TestEngine.StartAsync();

        var result = await engine.Get<WorkflowCatalog>().PublishAsync(Workflows.Json("x", """{ "id": "a", "type": "Nope" }"""), "api", null, CancellationToken.None);

        Assert.Null(result.Version);
        Assert.NotEmpty(result.Errors);
        Assert.Null(await engine.Get<DefinitionStore>().GetStateAsync("x", CancellationToken.None));
    }

    [Fact]
    public async Task SetPaused_PersistsAcrossStoreInstances()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.Get<WorkflowCatalog>().PublishAsync(Hello("x"), "test", null, CancellationToken.None);

        Assert.True(await engine.Get<DefinitionStore>().SetPausedAsync("hello", true, CancellationToken.None));

        var fresh = new DefinitionStore(engine.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<WorkflowDbContext>>(), TimeProvider.System);
        Assert.True((await fresh.GetStateAsync("hello", CancellationToken.None))!.IsPaused);
        Assert.False(await fresh.SetPausedAsync("ghost", true, CancellationToken.None));
    }
}
