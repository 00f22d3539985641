namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>What a model build recomputed: users whose <c>dim_user</c> row was rebuilt and <c>fct_user_daily</c> rows rewritten.</summary>
public sealed record ModelBuildResult(long UsersRecomputed, long DailyRowsWritten, long Currencies, long Dates);
