using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// Renders run notes' Markdown to HTML that is safe to put in a page: raw HTML is shown as text, and links and images
/// keep only http, https and mailto addresses (a <c>javascript:</c> or <c>data:</c> link becomes plain text).
/// </summary>
public static class NoteMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UseAutoLinks().Build();

    private static readonly string[] AllowedSchemes = ["http", "https", "mailto"];

    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (IsAllowed(link.Url)) continue;
            // Keep the words, drop the address: replace the link by its label as literal text.
            var label = string.Concat(link.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
            link.ReplaceBy(new LiteralInline(label.Length > 0 ? label : link.Url ?? ""));
        }
        foreach (var link in document.Descendants<AutolinkInline>().ToList())
            if (!IsAllowed(link.Url)) link.ReplaceBy(new LiteralInline(link.Url));

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    private static bool IsAllowed(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return false;
        // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"), so judge the address without them.
        var compact = new string(url.Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c)).ToArray());
        return Uri.TryCreate(compact, UriKind.Absolute, out var uri) && AllowedSchemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase);
    }
}
