namespace BitsoWorkflows.Server.Notifications;

/// <summary>The SMTP server e-mail notifications go through (<c>Notifications:Smtp</c>).</summary>
public sealed class SmtpOptions
{
    /// <summary>Unset: e-mail targets fail with a message saying so.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary><c>StartTls</c> (default), <c>SslOnConnect</c>, <c>StartTlsWhenAvailable</c> or <c>None</c> (only for a relay on a trusted network).</summary>
    public string Security { get; set; } = "StartTls";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address.</summary>
    public string From { get; set; } = "bitsoworkflows@localhost";
}
