using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Engine.ActivityModel;

/// <summary>What the registry knows of an activity type: enough for validation, the Studio's palette and execution.</summary>
public sealed record ActivityDescriptor(
    string Type,
    string Category,
    string Description,
    Type ClrType,
    Type InputType,
    Type OutputType,
    IReadOnlyList<InputDescriptor> Inputs,
    IReadOnlyList<OutputDescriptor> Outputs,
    bool IsSensor = false)
{
    public InputDescriptor? FindInput(string name) =>
        Inputs.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One input of an activity. <see cref="Default"/> is absent for required inputs.</summary>
public sealed record InputDescriptor(string Name, ValueKind Kind, string Description, bool Required, bool Secret, JsonElement? Default);

public sealed record OutputDescriptor(string Name, ValueKind Kind, string Description);
