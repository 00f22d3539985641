namespace BitsoWorkflows.Engine.ActivityModel;

/// <summary>
/// Marks a property of an activity's input class as an input a definition can set.
/// The default is the value the property has on a new instance of the input class.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    public string Description { get; init; } = "";

    /// <summary>A definition must set this input.</summary>
    public bool Required { get; init; }

    /// <summary>The value is redacted in run records and journals.</summary>
    public bool Secret { get; init; }
}
