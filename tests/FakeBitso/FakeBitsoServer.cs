namespace BitsoWorkflows.FakeBitso;

/// <summary>A scripted stand-in for Bitso's REST and WebSocket APIs on 127.0.0.1 (built by the capture issue).</summary>
public sealed class FakeBitsoServer;
