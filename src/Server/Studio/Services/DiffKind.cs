namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>Whether a diff line is in both versions, only the new one, only the old one, or stands for hidden lines.</summary>
public enum DiffKind
{
    Same,
    Added,
    Removed,

    /// <summary>Unchanged lines left out of <see cref="TextDiff.Hunks"/>.</summary>
    Gap,
}
