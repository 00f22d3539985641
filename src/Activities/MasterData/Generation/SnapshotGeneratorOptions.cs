namespace BitsoWorkflows.Activities.MasterData.Generation;

/// <summary>Sizes and dirt of a generated snapshot. Same options, seed and clock give byte-identical files.</summary>
public sealed record SnapshotGeneratorOptions
{
    public const int DefaultSeed = 20_240_101;

    /// <summary>Seed of the pseudo-random sequence.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>Users in the user snapshot (a few more, absent from it, appear in the other files).</summary>
    public int Users { get; init; } = 2_000;

    /// <summary>Existing user ids to use instead of generated ones (e.g. the real user snapshot); <see cref="Users"/> is then ignored.</summary>
    public IReadOnlyList<string>? UserIds { get; init; }

    public int Deposits { get; init; } = 20_000;

    public int Withdrawals { get; init; } = 5_000;

    public int Events { get; init; } = 50_000;

    /// <summary>Days of history, ending at the generator's clock, so the daily run for yesterday has data.</summary>
    public int HistoryDays { get; init; } = 30;

    /// <summary>Share of rows that carry one kind of dirt (duplicates, conflicting versions, messy statuses, unknown users, odd amounts, unparsable fields).</summary>
    public double DirtShare { get; init; } = 0.01;

    /// <summary>Write deposits as <c>deposit_sample_data.csv.zip</c>, as the public snapshot is published.</summary>
    public bool ZipDeposits { get; init; }
}
