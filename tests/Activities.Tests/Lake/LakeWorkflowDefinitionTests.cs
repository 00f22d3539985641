using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Activities.Tests.Lake;

public sealed class LakeWorkflowDefinitionTests
{
    [Fact]
    public void Validate_LakeCompactionDefinition_IsValidAndCompactsTenMinuteWindowsWithCatchup()
    {
        var registry = ActivityRegistry.FromAssemblies(typeof(CompactSpreadWindow).Assembly);
        var path = RepositoryFiles.Path("workflows", "lake-compaction-every-10-minutes.json");

        var result = new WorkflowDefinitionValidator(registry).Validate(File.ReadAllText(path), path);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var definition = result.Definition!;
        Assert.Equal(("0 0/10 * * * ?", true), (definition.Trigger!.Cron, definition.Catchup));
        Assert.Equal("CompactSpreadWindow", Assert.Single(definition.Activities).Type);
    }

    [Fact]
    public void Describe_CompactSpreadWindow_ExposesBooksAndFormatWithDefaults()
    {
        var descriptor = ActivityRegistry.Describe(typeof(CompactSpreadWindow));

        Assert.Equal(["books", "format"], descriptor.Inputs.Select(i => i.Name));
        Assert.Equal("parquet", descriptor.FindInput("format")!.Default!.Value.GetString());
        Assert.Contains(descriptor.Outputs, o => o.Name == "rowsOk");
    }
}
