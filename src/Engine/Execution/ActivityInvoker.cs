using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;
using Microsoft.Extensions.DependencyInjection;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>Binds JSON inputs to an activity's typed input class, runs it and returns its outputs as JSON.</summary>
internal static class ActivityInvoker
{
    private delegate Task<JsonElement> Invoker(ActivityDescriptor descriptor, IServiceProvider services, JsonObject inputs, RunInfo run, string activityId, int attempt, IRunJournal journal, CancellationToken cancellationToken);

    private static readonly ConcurrentDictionary<Type, Invoker> Invokers = new();

    private static readonly MethodInfo InvokeTypedMethod = typeof(ActivityInvoker).GetMethod(nameof(InvokeTypedAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static Task<JsonElement> InvokeAsync(ActivityDescriptor descriptor, IServiceProvider services, JsonObject inputs, RunInfo run, string activityId, int attempt, IRunJournal journal, CancellationToken cancellationToken)
    {
        var invoker = Invokers.GetOrAdd(descriptor.ClrType, _ =>
            InvokeTypedMethod.MakeGenericMethod(descriptor.InputType, descriptor.OutputType).CreateDelegate<Invoker>());
        return invoker(descriptor, services, inputs, run, activityId, attempt, journal, cancellationToken);
    }

    private static async Task<JsonElement> InvokeTypedAsync<TInput, TOutput>(ActivityDescriptor descriptor, IServiceProvider services, JsonObject inputs, RunInfo run, string activityId, int attempt, IRunJournal journal, CancellationToken cancellationToken)
        where TInput : class, new()
    {
        TInput input;
        try
        {
            input = inputs.Deserialize<TInput>(DefinitionJson.Options) ?? new TInput();
        }
        catch (JsonException ex)
        {
            throw new ActivityInputException($"input {ex.Path?.TrimStart('$', '.')} of {descriptor.Type} has the wrong type: {ex.Message}", ex);
        }

        var activity = (Activity<TInput, TOutput>)ActivatorUtilities.CreateInstance(services, descriptor.ClrType);
        try
        {
            var output = await activity.ExecuteAsync(new ActivityContext<TInput>(input, run, activityId, attempt, journal), cancellationToken);
            return JsonSerializer.SerializeToElement(output, DefinitionJson.Compact);
        }
        finally
        {
            if (activity is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else if (activity is IDisposable disposable) disposable.Dispose();
        }
    }
}

/// <summary>The evaluated inputs do not fit the activity's input class.</summary>
public sealed class ActivityInputException(string message, Exception inner) : Exception(message, inner);
