namespace BitsoWorkflows.Server.Auth;

/// <summary>
/// What a caller may do, each role including the ones before it (Airflow's Viewer, Op, Admin):
/// <see cref="Viewer"/> reads everything and runs read-only queries; <see cref="Operator"/> also runs now, backfills,
/// pauses and resumes, retries and cancels; <see cref="Admin"/> also publishes, reverts, keeps drafts and manages API keys.
/// </summary>
public enum AccessRole
{
    Viewer = 0,
    Operator = 1,
    Admin = 2,
}
