using System.Reflection;
using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Engine.ActivityModel;

/// <summary>The activity types known to this process, discovered from assemblies by their <see cref="ActivityAttribute"/>.</summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, ActivityDescriptor> _byType = new(StringComparer.Ordinal);

    public ActivityRegistry(IEnumerable<Type> activityTypes)
    {
        foreach (var type in activityTypes)
        {
            var descriptor = Describe(type);
            if (!_byType.TryAdd(descriptor.Type, descriptor))
                throw new InvalidOperationException($"Activity type name '{descriptor.Type}' is used by both {_byType[descriptor.Type].ClrType.FullName} and {type.FullName}.");
        }
    }

    public IReadOnlyCollection<ActivityDescriptor> All => _byType.Values;

    public ActivityDescriptor? Find(string type) => _byType.GetValueOrDefault(type);

    /// <summary>Every concrete activity class in the given assemblies.</summary>
    public static ActivityRegistry FromAssemblies(params Assembly[] assemblies) =>
        new(assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IActivity).IsAssignableFrom(t) && t.GetCustomAttribute<ActivityAttribute>() is not null));

    public static ActivityDescriptor Describe(Type type)
    {
        var attribute = type.GetCustomAttribute<ActivityAttribute>()
            ?? throw new InvalidOperationException($"{type.FullName} has no [Activity] attribute.");
        var baseType = type.BaseType;
        while (baseType is not null && !(baseType.IsGenericType && baseType.GetGenericTypeDefinition() == typeof(Activity<,>)))
            baseType = baseType.BaseType;
        if (baseType is null)
            throw new InvalidOperationException($"{type.FullName} must derive from Activity<TInput, TOutput>.");
        var inputType = baseType.GetGenericArguments()[0];
        var outputType = baseType.GetGenericArguments()[1];

        var defaults = JsonSerializer.SerializeToElement(Activator.CreateInstance(inputType), inputType, DefinitionJson.Compact);
        var inputs = inputType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<InputAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x =>
            {
                var name = JsonNamingPolicy.CamelCase.ConvertName(x.Property.Name);
                JsonElement? fallback = !x.Attribute!.Required && defaults.TryGetProperty(name, out var d) ? d.Clone() : null;
                return new InputDescriptor(name, ValueKinds.Of(x.Property.PropertyType), x.Attribute.Description, x.Attribute.Required, x.Attribute.Secret, fallback);
            })
            .ToList();
        var outputs = outputType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<OutputAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => new OutputDescriptor(JsonNamingPolicy.CamelCase.ConvertName(x.Property.Name), ValueKinds.Of(x.Property.PropertyType), x.Attribute!.Description))
            .ToList();

        var isSensor = false;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            isSensor |= t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Sensor<,>);
        return new ActivityDescriptor(attribute.Type, attribute.Category, attribute.Description, type, inputType, outputType, inputs, outputs, isSensor);
    }
}
