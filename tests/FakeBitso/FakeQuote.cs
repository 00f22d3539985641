namespace BitsoWorkflows.FakeBitso;

/// <summary>The top of a fake book, with prices as the exact strings to send (Bitso sends decimals as strings).</summary>
public sealed record FakeQuote(string Bid, string BidAmount, string Ask, string AskAmount);
