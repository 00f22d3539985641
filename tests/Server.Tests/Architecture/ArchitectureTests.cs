using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace BitsoWorkflows.Server.Tests.Architecture;

/// <summary>Keeps the arrows pointing the right way: Engine ← Activities ← Server.</summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Engine = typeof(BitsoWorkflows.Engine.ActivityModel.ActivityRegistry).Assembly;
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
    public void Studio_ReadsTheStoreOnlyThroughTheEngine()
    {
        // Every type of the Studio (pages, components, services, their closures and state machines) and everything its
        // members' signatures and method bodies (IL) refer to: EF Core and the engine's DbContext stay below the engine's
        // store and query types.
        static bool Forbidden(Type type) =>
            type.Namespace?.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) == true
            || typeof(BitsoWorkflows.Engine.Persistence.WorkflowDbContext).IsAssignableFrom(type)
            || (type.IsGenericType && type.GetGenericArguments().Any(Forbidden))
            || (type.HasElementType && Forbidden(type.GetElementType()!));

        var offences = Server.GetTypes()
            .Where(t => t.Namespace?.StartsWith("BitsoWorkflows.Server.Studio", StringComparison.Ordinal) == true)
            .SelectMany(t => TypesUsedBy(t).Where(Forbidden).Select(used => $"{t.FullName} uses {used.FullName}"))
            .Distinct()
            .ToList();

        Assert.Empty(offences);
    }

    /// <summary>The types a type's base, fields, signatures and method bodies name.</summary>
    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } baseType) yield return baseType;
        foreach (var field in type.GetFields(all)) yield return field.FieldType;
        foreach (var property in type.GetProperties(all)) yield return property.PropertyType;
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            foreach (var parameter in method.GetParameters()) yield return parameter.ParameterType;
            if (method is MethodInfo info) yield return info.ReturnType;
            var body = method.GetMethodBody();
            if (body is null) continue;
            foreach (var local in body.LocalVariables) yield return local.LocalType;
            foreach (var used in TypesInIl(method, body.GetILAsByteArray() ?? [])) yield return used;
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The declaring types of the members, and the types, an IL body's tokens name.</summary>
    private static IEnumerable<Type> TypesInIl(MethodBase method, byte[] il)
    {
        var module = method.Module;
        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
            i += code.Size;
            switch (code.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    foreach (var used in Resolve(module, BitConverter.ToInt32(il, i), typeArguments, methodArguments)) yield return used;
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineNone:
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    private static IEnumerable<Type> Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        MemberInfo member;
        try
        {
            member = module.ResolveMember(token, typeArguments, methodArguments)!;
        }
        catch (ArgumentException)
        {
            // A token of a generic context this walk does not rebuild; the types it names appear in signatures too.
            return [];
        }
        return member switch
        {
            Type t => [t],
            FieldInfo f => [f.DeclaringType!, f.FieldType],
            MethodInfo { IsGenericMethod: true } m => [m.DeclaringType!, .. m.GetGenericArguments()],
            MethodBase m => [m.DeclaringType!],
            _ => [],
        };
    }

    [Fact]
    public void EngineAndActivities_SpeakInDomainWords_NotInCommandLineOptions()
    {
        // A string literal naming an option ("--from", "use --logical-time") below the CLI would reach API users and
        // the Studio word for word; each surface maps the engine's words to its own.
        var option = new System.Text.RegularExpressions.Regex("\"[^\"\n]*--[a-z][a-z-]*", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        var offences = new[] { "Engine", "Activities" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(Support.RepoFiles.Root, "src", project), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, i, line)))
            .Where(l => !l.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && option.IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(Support.RepoFiles.Root, l.file)}:{l.i + 1}: {l.line.Trim()}")
            .ToList();

        Assert.Empty(offences);
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
