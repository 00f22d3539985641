namespace BitsoWorkflows.Engine.ActivityModel;

/// <summary>
/// Describes an activity class for the registry, validation and the Studio's palette.
/// </summary>
/// <param name="type">The stable type name workflow definitions use, e.g. <c>FetchOrderBooks</c>.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActivityAttribute(string type) : Attribute
{
    public string Type { get; } = type;

    /// <summary>Palette group, e.g. "Market data".</summary>
    public string Category { get; init; } = "General";

    public string Description { get; init; } = "";
}
