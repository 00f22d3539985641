using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Activities.Tests.MarketData;

public sealed class OrderBookWorkflowDefinitionTests
{
    [Fact]
    public void Validate_OrderBookEverySecond_IsValidAgainstTheSchemaAndTheMarketDataActivities()
    {
        var file = FindWorkflow("order-book-every-second.json");
        var registry = ActivityRegistry.FromAssemblies(typeof(CaptureOrderBooks).Assembly);

        var result = new WorkflowDefinitionValidator(registry).Validate(File.ReadAllText(file), file);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal("order-book-every-second", result.Definition!.Id);
        Assert.NotNull(registry.Find("CaptureOrderBooks"));
        Assert.NotNull(registry.Find("EvaluateSpreadAlerts"));
    }

    private static string FindWorkflow(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "workflows", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"workflows/{name} was not found above {AppContext.BaseDirectory}.");
    }
}
