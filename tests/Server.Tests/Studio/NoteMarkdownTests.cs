using BitsoWorkflows.Server.Studio.Services;

namespace BitsoWorkflows.Server.Tests.Studio;

/// <summary>Notes render as Markdown, and nothing in a note can put markup or script into the page.</summary>
public sealed class NoteMarkdownTests
{
    [Fact]
    public void ToHtml_RendersMarkdownAndSafeLinks()
    {
        var html = NoteMarkdown.ToHtml("**late** file, see [the ticket](https://tracker.example/T-1) and `code`");

        Assert.Contains("<strong>late</strong>", html);
        Assert.Contains("<a href=\"https://tracker.example/T-1\">the ticket</a>", html);
        Assert.Contains("<code>code</code>", html);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("hello <b onmouseover=alert(1)>x</b>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("[click](java\tscript:alert(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("![x](javascript:alert(1))")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[a](vbscript:msgbox(1))")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("```\n</code><script>alert(1)</script>\n```")]
    [InlineData("[x](https://ok.example \"title\\\" onclick=\\\"alert(1)\")")]
    public void ToHtml_OfHostileNotes_LeavesNoMarkupOrScriptAddress(string note)
    {
        var html = NoteMarkdown.ToHtml(note);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b ", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript", html.Replace("\t", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"data:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"vbscript", html, StringComparison.OrdinalIgnoreCase);
        // No element has an on* attribute (attribute values are quoted and their quotes escaped, so text inside one is harmless).
        Assert.DoesNotMatch("<[a-z0-9]+(\\s+[a-z-]+=\"[^\"]*\")*\\s+on[a-z]+\\s*=", html);
    }
}
