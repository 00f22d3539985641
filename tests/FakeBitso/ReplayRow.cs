namespace BitsoWorkflows.FakeBitso;

/// <summary>One captured observation; prices and spread kept as the exact text of the file.</summary>
public sealed record ReplayRow(DateTimeOffset Timestamp, string Book, string Bid, string Ask, string Spread);
