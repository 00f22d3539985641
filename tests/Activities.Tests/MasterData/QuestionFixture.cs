namespace BitsoWorkflows.Activities.Tests.MasterData;

/// <summary>
/// A small hand-built snapshot loaded once for the read-only question tests. Users u1–u5 are in the user snapshot;
/// u9 appears only in deposits. Every expected answer in <see cref="QuestionTests"/> is worked out from these lines.
/// </summary>
public sealed class QuestionFixture : IAsyncLifetime
{
    public MasterDataHarness Harness { get; } = new();

    public async Task InitializeAsync()
    {
        var dir = Harness.WriteSnapshot("questions",
            users: ["user_id", "u1", "u2", "u3", "u4", "u5"],
            deposits:
            [
                "id,event_timestamp,user_id,amount,currency,tx_status",
                "d1,2024-03-01 10:00:00+00,u1,100.50,mxn,complete",
                "d2,2024-03-01 11:00:00.5+00,u1,200.25,mxn,complete",
                "d3,2024-03-01 12:00:00+00,u2,0.123456789012345678,btc,complete",
                "d14,2024-03-01 14:00:00+00,u2,0.000000000000000002,btc,complete",
                "d4,2024-03-01 13:00:00+00,u3,50,mxn,failed",
                "d5,2024-03-02 01:00:00+00,u1,10,mxn,complete",
                "d6,2024-03-02 02:00:00+00,u1,20,mxn,complete",
                "d7,2024-03-02 03:00:00+00,u1,30,mxn,complete",
                "d8,2024-03-02 04:00:00+00,u1,40,mxn,complete",
                "d9,2024-03-02 23:59:59.999999+00,u2,5,usd,failed",
                "d11,2024-03-02 10:00:00+00,u2,1,mxn,failed",
                "d10,2024-03-03 00:00:00+00,u9,7,usd,complete",
                "d12,2024-03-02 22:30:00-03,u3,25,mxn,complete",
                "d13,2024-03-04 10:00:00+00,u5,3,mxn,failed",
            ],
            withdrawals:
            [
                "id,event_timestamp,user_id,amount,interface,currency,tx_status",
                "w1,2024-03-01 09:00:00+00,u3,10,web,mxn,complete",
                "w2,2024-03-01 15:00:00+00,u4,1,app,usd,failed",
                "w3,2024-03-03 12:00:00+00,u4,2,app,eth,complete",
            ],
            events:
            [
                "id,event_timestamp,user_id,event_name",
                "e1,2024-03-01 08:00:00+00,u1,login",
                "e2,2024-03-02 08:00:00+00,u1,login",
                "e3,2024-03-04 08:00:00.123456+00,u1,login",
                "e4,2024-03-02 09:00:00+00,u2,logout",
                "e5,2024-03-03 09:00:00+00,u2,login",
            ]);
        await Harness.RunDayAsync(dir, new DateOnly(2024, 3, 5));
    }

    public Task DisposeAsync()
    {
        Harness.Dispose();
        return Task.CompletedTask;
    }
}
