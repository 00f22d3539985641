using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MasterData;

public sealed class BuildMasterModelOutput
{
    [Output(Description = "Users whose dim_user row was recomputed.")]
    public long UsersRecomputed { get; init; }

    [Output(Description = "fct_user_daily rows rewritten.")]
    public long DailyRowsWritten { get; init; }

    [Output(Description = "Rows in dim_currency.")]
    public long Currencies { get; init; }

    [Output(Description = "Rows in dim_date.")]
    public long Dates { get; init; }
}
