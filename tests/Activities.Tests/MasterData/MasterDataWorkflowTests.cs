using BitsoWorkflows.Activities.MasterData;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class MasterDataWorkflowTests
{
    private static string WorkflowPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "workflows", "master-data-daily.json");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("workflows/master-data-daily.json not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Definition_IsValidAgainstTheSchemaAndTheMasterDataActivities()
    {
        var registry = ActivityRegistry.FromAssemblies(typeof(LoadMasterSnapshot).Assembly);

        var result = new WorkflowDefinitionValidator(registry).Validate(File.ReadAllText(WorkflowPath()), "master-data-daily.json");

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors.Select(e => e.ToString())));
        Assert.Equal(7, result.Definition!.Activities.Count);
    }
}
