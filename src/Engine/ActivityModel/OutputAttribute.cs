namespace BitsoWorkflows.Engine.ActivityModel;

/// <summary>Marks a property of an activity's output class as an output downstream activities can reference.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class OutputAttribute : Attribute
{
    public string Description { get; init; } = "";
}
