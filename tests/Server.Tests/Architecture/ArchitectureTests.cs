using System.Reflection;
using System.Runtime.CompilerServices;

namespace BitsoWorkflows.Server.Tests.Architecture;

/// <summary>Keeps the arrows pointing the right way: Engine ← Activities ← Server.</summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Engine = typeof(BitsoWorkflows.Engine.Activities.ActivityRegistry).Assembly;
    private static readonly Assembly Activities = BitsoWorkflows.Activities.ActivitiesAssembly.Assembly;
    private static readonly Assembly Server = typeof(BitsoWorkflows.Server.Cli.CommandLine).Assembly;

    private static IEnumerable<string> References(Assembly assembly) => assembly.GetReferencedAssemblies().Select(a => a.Name!);

    [Fact]
    public void Engine_KnowsNothingOfActivitiesServerUiOrDataFormats()
    {
        var forbidden = new[] { "BitsoWorkflows.Activities", "BitsoWorkflows.Server", "MudBlazor", "DuckDB.NET.Data", "Parquet", "CsvHelper", "Microsoft.AspNetCore" };

        Assert.DoesNotContain(References(Engine), r => forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void Activities_DependOnTheEngineButNotOnTheServerOrUi()
    {
        var forbidden = new[] { "BitsoWorkflows.Server", "MudBlazor", "Microsoft.AspNetCore" };

        Assert.Contains("BitsoWorkflows.Engine", References(Activities));
        Assert.DoesNotContain(References(Activities), r => forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void NoAsyncVoidMethods()
    {
        var asyncVoid = new[] { Engine, Activities, Server }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType == typeof(void) && m.GetCustomAttribute<AsyncStateMachineAttribute>() is not null)
            .Select(m => $"{m.DeclaringType!.FullName}.{m.Name}")
            .ToList();

        Assert.Empty(asyncVoid);
    }
}
