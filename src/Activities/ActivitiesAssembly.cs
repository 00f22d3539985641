namespace BitsoWorkflows.Activities;

/// <summary>Names this assembly for the activity registry's discovery.</summary>
public static class ActivitiesAssembly
{
    public static System.Reflection.Assembly Assembly => typeof(ActivitiesAssembly).Assembly;
}
