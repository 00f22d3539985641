namespace BitsoWorkflows.Server.Notifications;

/// <summary>How one delivery of an event to one target ended.</summary>
public sealed record NotificationDelivery(string Target, bool Delivered, int Attempts, string? Error)
{
    public override string ToString() => Delivered
        ? $"{Target}: delivered (try {Attempts})"
        : $"{Target}: failed after {Attempts} tries: {Error}";
}
