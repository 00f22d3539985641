using BitsoWorkflows.Engine.ActivityModel.BuiltIn;
using CsCheck;

namespace BitsoWorkflows.Engine.Tests.Activities;

/// <summary><c>WaitFor</c>'s path comes from a definition anyone with the editor role writes: it must never reach outside the data directory.</summary>
public sealed class WaitForPathTests
{
    [Theory]
    [InlineData("lake/spreads/book=btc_mxn/date=2026-11-28/*.parquet", "lake/spreads/book=btc_mxn/date=2026-11-28", "*.parquet")]
    [InlineData("x.csv", "", "x.csv")]
    [InlineData("incoming/batch-??.csv", "incoming", "batch-??.csv")]
    public void Split_AcceptsPlainRelativePaths(string path, string folder, string pattern)
    {
        var (parts, last) = WaitForActivity.Split(path);
        Assert.Equal((folder, pattern), (string.Join('/', parts), last));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../secrets/*")]
    [InlineData("lake/../../etc/*")]
    [InlineData("lake/..")]
    [InlineData("lake/./x")]
    [InlineData("lake//x")]
    [InlineData("lake/")]
    [InlineData("lake/*/x.parquet")]
    [InlineData("lake\\..\\x")]
    [InlineData("C:\\x\\*")]
    [InlineData("~/x")]
    [InlineData("lake/a b")]
    [InlineData("%2e%2e/x")]
    [InlineData("lake/x\0.csv")]
    [InlineData("lake/\u00e4/x")]
    [InlineData("lake/x\n")]
    [InlineData("lake/[ab].csv")]
    public void Split_RefusesAnythingElse_NamingThePath(string path)
    {
        var error = Assert.Throws<ArgumentException>(() => WaitForActivity.Split(path));
        Assert.Contains($"'{path}'", error.Message);
    }

    [Fact]
    public void Split_WhateverItAccepts_StaysUnderTheDataDirectory()
    {
        var root = Path.Combine(Path.GetTempPath(), "bw-root");
        Gen.Select(Gen.Char["./\\:*?~=_-aZ0 \0%"].Array[1, 12], chars => new string(chars)).Sample(path =>
        {
            try
            {
                var (folder, pattern) = WaitForActivity.Split(path);
                var full = Path.GetFullPath(Path.Combine([root, .. folder, pattern.Replace('*', 'x').Replace('?', 'x')]));
                return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !folder.Any(p => p is "." or "..");
            }
            catch (ArgumentException)
            {
                return true;
            }
        }, iter: 20_000);
    }
}
