using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BitsoWorkflows.Server.Notifications;

/// <summary>Sends events as plain-text e-mail through <c>Notifications:Smtp</c> (MailKit), retried with backoff.</summary>
public sealed class EmailNotifier(IOptions<NotificationOptions> options, TimeProvider time)
{
    public async Task<NotificationDelivery> SendAsync(IReadOnlyList<string> recipients, NotificationEvent notification, CancellationToken cancellationToken)
    {
        var label = $"e-mail {string.Join(", ", recipients)}";
        var smtp = options.Value.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
            return new NotificationDelivery(label, false, 0, "Notifications:Smtp:Host is not configured; nothing was sent");
        if (!Enum.TryParse<SecureSocketOptions>(smtp.Security, ignoreCase: true, out var security) || security == SecureSocketOptions.Auto)
            return new NotificationDelivery(label, false, 0, $"Notifications:Smtp:Security '{smtp.Security}' is not one of StartTls, SslOnConnect, StartTlsWhenAvailable, None");

        var message = Compose(smtp.From, recipients, notification);
        string? error = null;
        var attempts = Math.Max(1, options.Value.Attempts);
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.Value.Timeout);
                using var client = new SmtpClient { Timeout = (int)options.Value.Timeout.TotalMilliseconds };
                await client.ConnectAsync(smtp.Host, smtp.Port, security, timeout.Token);
                if (!string.IsNullOrEmpty(smtp.UserName)) await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", timeout.Token);
                await client.SendAsync(message, timeout.Token);
                await client.DisconnectAsync(quit: true, timeout.Token);
                return new NotificationDelivery(label, true, attempt, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = ex is OperationCanceledException ? $"timed out after {options.Value.Timeout}" : ex.Message;
            }
            if (attempt < attempts) await Task.Delay(options.Value.RetryBackoff * Math.Pow(2, attempt - 1), time, cancellationToken);
        }
        return new NotificationDelivery(label, false, attempts, error);
    }

    public static MimeMessage Compose(string from, IReadOnlyList<string> recipients, NotificationEvent e)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var to in recipients) message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"[BitsoWorkflows] {e.WorkflowId} {Describe(e)} for {e.LogicalTime:yyyy-MM-dd HH:mm:ss}Z";
        message.Headers.Add("X-Event-Id", e.EventId);
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Workflow:     {e.WorkflowId}
                Event:        {e.Event}
                Run:          {e.RunId ?? "(none started)"}
                Logical time: {e.LogicalTime:O}
                Interval:     {e.DataIntervalStart:O} – {e.DataIntervalEnd:O}
                Status:       {e.Status}
                {(e.DeadlineAt is { } due ? $"Deadline:     {due:O}\n" : "")}Error:        {e.Error ?? "(none)"}

                {e.StudioUrl}
                """,
        };
        return message;
    }

    private static string Describe(NotificationEvent e) => e.Event switch
    {
        "failure" => $"run {e.Status}",
        "success" => "run succeeded",
        "missed" => "missed intervals in the minute",
        _ => "missed its deadline",
    };
}
