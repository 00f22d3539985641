namespace BitsoWorkflows.FakeBitso;

/// <summary>How the fake answers REST requests and what its WebSocket sends.</summary>
public enum FakeBitsoScenario
{
    /// <summary>The configured quotes (<see cref="FakeBitsoServer.SetQuote"/>), a second level per side.</summary>
    Normal,

    /// <summary>Asks 2 % above bids: every threshold is crossed.</summary>
    WideSpread,

    /// <summary>REST answers <see cref="FakeBitsoServer.RateLimitStatus"/> (429 by default) with code 0801.</summary>
    RateLimited,

    /// <summary>REST answers 503 with an HTML body.</summary>
    ServerError,

    /// <summary>REST answers after <see cref="FakeBitsoServer.SlowDelay"/>.</summary>
    Slow,

    /// <summary>REST answers 200 with broken JSON; the WebSocket sends a broken frame before each snapshot.</summary>
    MalformedJson,

    /// <summary>The WebSocket closes abruptly after <see cref="FakeBitsoServer.DisconnectAfterMessages"/> snapshots.</summary>
    Disconnect,

    /// <summary>Quotes follow the loaded capture (<see cref="FakeBitsoServer.LoadReplay"/>), one row per second.</summary>
    Replay,

    /// <summary>Best bid above best ask.</summary>
    Crossed,

    /// <summary>No bids.</summary>
    EmptyBook,

    /// <summary>REST answers 400 with code 0301 (unknown order book).</summary>
    UnknownBook,

    /// <summary>
    /// An out-of-order replica: REST answers with sequence numbers going backwards and the WebSocket sends snapshots
    /// stamped a minute in the past, both with a 2 % spread (so a client that trusts them opens alerts).
    /// </summary>
    GoingBackwards,

    /// <summary>Every REST request and WebSocket upgrade is cut (TCP reset) before any answer.</summary>
    ConnectionReset,
}
