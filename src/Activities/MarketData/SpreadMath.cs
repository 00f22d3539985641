namespace BitsoWorkflows.Activities.MarketData;

/// <summary>
/// The spread arithmetic every observation uses, in <see cref="decimal"/> so prices stay exact.
/// <c>spread = ask − bid</c>; <c>spread_pct = (ask − bid) × 100 / ask</c>, rounded half away from zero to
/// <see cref="PercentDecimals"/> places — the convention of the Bitso challenge datasets (their 1 Hz captures
/// store exactly this 8-decimal value). A crossed book (bid ≥ ask) gives a zero or negative spread.
/// </summary>
public static class SpreadMath
{
    /// <summary>Decimal places kept in <c>spread_pct</c>.</summary>
    public const int PercentDecimals = 8;

    public static decimal Spread(decimal bid, decimal ask) => ask - bid;

    /// <summary>(ask − bid) × 100 / ask, rounded to <see cref="PercentDecimals"/> places.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The ask is not positive.</exception>
    public static decimal SpreadPct(decimal bid, decimal ask)
    {
        if (ask <= 0)
            throw new ArgumentOutOfRangeException(nameof(ask), ask, "The ask price must be positive to compute a spread percentage.");
        // Multiplying before dividing keeps one rounding step (decimal division carries 28 significant digits).
        return Math.Round((ask - bid) * 100m / ask, PercentDecimals, MidpointRounding.AwayFromZero);
    }
}
