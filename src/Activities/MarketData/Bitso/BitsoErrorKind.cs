namespace BitsoWorkflows.Activities.MarketData.Bitso;

/// <summary>Why a Bitso call produced no data.</summary>
public enum BitsoErrorKind
{
    /// <summary>Bitso answered 429/420 or an 08xx code; the client is locked out for a while.</summary>
    RateLimited,

    /// <summary>The client's own budget or lockout refused the request before it was sent.</summary>
    BudgetExhausted,

    /// <summary>No answer within the request timeout.</summary>
    Timeout,

    /// <summary>5xx or a network failure; worth trying again later.</summary>
    Transient,

    /// <summary>The body was not the JSON the API documents.</summary>
    Malformed,

    /// <summary>02xx: the credentials or signature were refused.</summary>
    Unauthorized,

    /// <summary>03xx: e.g. unknown order book; a configuration error, not worth retrying.</summary>
    InvalidRequest,

    /// <summary>Any other <c>success: false</c> answer.</summary>
    Rejected,

    /// <summary>The answer is older than one already seen (its sequence went backwards): a lagging replica, not news.</summary>
    OutOfOrder,
}
