using System.Text.Json;

namespace BitsoWorkflows.Engine.Definitions;

/// <summary>A workflow parameter: a named, typed value with a default that a run may override.</summary>
public sealed record ParamDefinition
{
    /// <summary>One of <see cref="ValueKinds.Names"/>.</summary>
    public string Type { get; init; } = "string";

    public JsonElement? Default { get; init; }

    public string Description { get; init; } = "";

    /// <summary>
    /// The value is a secret (a token, a webhook URL with a key in it): shown as <c>***</c> in run records, the API,
    /// the CLI, the Studio, logs and journals, and stored encrypted so that a retry still gets it.
    /// </summary>
    public bool Secret { get; init; }
}
