namespace BitsoWorkflows.Server.Auth;

/// <summary>Marks an API route as audited.</summary>
public static class AuditExtensions
{
    /// <summary>Records every call of the route in the audit log as <paramref name="action"/>.</summary>
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((context, next) => AuditLog.Filter(action, context, next));
}
