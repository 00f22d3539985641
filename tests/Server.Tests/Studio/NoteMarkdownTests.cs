using System.Net;
using System.Text.RegularExpressions;
using BitsoWorkflows.Server.Studio.Services;
using CsCheck;

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

    /// <summary>Pieces hostile notes are made of: markup, script addresses in every spelling, Markdown that makes links.</summary>
    private static readonly string[] Pieces =
    [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>", "</p>", "<!-- -->",
        "javascript:alert(1)", "JAVASCRIPT:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)", "jav&#x61;script:alert(1)", "jav&#97;script:alert(1)",
        "&#106;avascript:alert(1)", "\u0001javascript:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
        "https://ok.example/a?b=\"c\"", "mailto:ops@example.com", "//evil.example", "/relative", "https://ok.example/\" onclick=\"alert(1)",
        "[", "]", "(", ")", "<", ">", "\"", "'", "`", "```", "\n", "\n\n", "*", "_", "!", "[r]", "[r]: ", "\\", "&", "&amp;", "&lt;", " ", "text", "#",
    ];

    private static readonly string[] AllowedElements = ["p", "em", "strong", "a", "img", "code", "pre", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "del"];

    [Fact]
    public void ToHtml_OfGeneratedHostileNotes_LeavesOnlyPlainElementsAndSafeAddresses()
    {
        Gen.Int[0, Pieces.Length - 1].Array[1, 14].Select(picks => string.Concat(picks.Select(i => Pieces[i]))).Sample(note =>
        {
            var html = NoteMarkdown.ToHtml(note);
            foreach (Match tag in Regex.Matches(html, "<(/?)([^\\s>/]+)([^>]*)>"))
            {
                var element = tag.Groups[2].Value;
                Assert.True(AllowedElements.Contains(element), $"'{note}' made a <{element}>: {html}");
                foreach (Match attribute in Regex.Matches(tag.Groups[3].Value, "([^\\s=]+)=\"([^\"]*)\""))
                {
                    var (name, value) = (attribute.Groups[1].Value, attribute.Groups[2].Value);
                    Assert.True(name is "href" or "src" or "alt" or "title" or "class", $"'{note}' made the attribute {name}: {html}");
                    if (name is "href" or "src")
                    {
                        // As a browser reads it: entities decoded, control characters and whitespace dropped.
                        var address = new string(WebUtility.HtmlDecode(value).Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c)).ToArray());
                        Assert.True(Regex.IsMatch(address, "^(https?:|mailto:)", RegexOptions.IgnoreCase), $"'{note}' made the address {address}: {html}");
                    }
                }
                // What is left of the tag after its attributes is nothing but spaces and a closing slash.
                Assert.True(Regex.Replace(tag.Groups[3].Value, "([^\\s=]+)=\"([^\"]*)\"", "").Trim().TrimEnd('/').Trim().Length == 0, $"'{note}' made the tag {tag.Value}");
            }
        }, iter: 20_000);
    }
}
