using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Server.Tests.Architecture;

/// <summary>Every definition shipped in <c>workflows/</c> is valid against the schema and the real activity registry.</summary>
public sealed class WorkflowFilesTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepoWorkflows(), "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)).Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ShippedWorkflow_IsValid(string file)
    {
        var registry = ActivityRegistry.FromAssemblies(typeof(ActivityRegistry).Assembly, BitsoWorkflows.Activities.ActivitiesAssembly.Assembly);

        var result = new WorkflowDefinitionValidator(registry).Validate(File.ReadAllText(Path.Combine(RepoWorkflows(), file)), file);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), result.Definition!.Id);
    }

    private static string RepoWorkflows()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "workflows");
            if (File.Exists(Path.Combine(candidate, "workflow.schema.json"))) return candidate;
        }
        throw new DirectoryNotFoundException("workflows/ not found above " + AppContext.BaseDirectory);
    }
}
