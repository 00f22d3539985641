using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MasterData;

/// <summary>Recomputes the dimensions and the daily user snapshot for what the loads changed.</summary>
[Activity("BuildMasterModel", Category = "Master data", Description = "Recomputes dim_user and fct_user_daily for the users and days the loads changed, and refreshes dim_currency and dim_date.")]
public sealed class BuildMasterModel(ModelBuilder builder) : Activity<NoInput, BuildMasterModelOutput>
{
    public override async Task<BuildMasterModelOutput> ExecuteAsync(ActivityContext<NoInput> context, CancellationToken cancellationToken)
    {
        var day = DateOnly.FromDateTime(context.DataInterval.Start.UtcDateTime);
        var result = await builder.BuildAsync(day, context.Run.RunId, cancellationToken);
        context.Journal.Info($"Recomputed {result.UsersRecomputed} users and {result.DailyRowsWritten} daily rows; {result.Currencies} currencies, {result.Dates} dates.");
        return new BuildMasterModelOutput
        {
            UsersRecomputed = result.UsersRecomputed,
            DailyRowsWritten = result.DailyRowsWritten,
            Currencies = result.Currencies,
            Dates = result.Dates,
        };
    }
}
