using System.Globalization;
using System.Text;
using BitsoWorkflows.Activities.MasterData.Snapshots;
using CsCheck;

namespace BitsoWorkflows.Activities.Tests.MasterData;

/// <summary>
/// The hand-written timestamp parser reads every row of every snapshot. Over generated timestamps in every spelling
/// the snapshots use (0–7 fraction digits, space or T, no offset, Z, ±hh, ±hh:mm, ±hhmm, padding) it must return the
/// instant written; over the same texts with one character changed it must never throw, and its byte and character
/// forms must agree.
/// </summary>
public sealed class SnapshotTimestampPropertyTests
{
    private static readonly DateTime First = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private sealed record Spelled(string Text, DateTime Utc);

    private static readonly Gen<Spelled> Timestamp =
        Gen.Select(Gen.Long[0, new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks - First.Ticks], Gen.Int[0, 7], Gen.Bool,
                Gen.Int[0, 6], Gen.Int[-14 * 60, 14 * 60], Gen.Int[0, 2], Gen.Int[0, 2])
            .Select(t =>
            {
                var (offsetTicks, digits, tee, offsetStyle, offsetMinutes, before, after) = t;
                // The local time written, to the precision of its fraction digits.
                var local = First.AddTicks(offsetTicks);
                local = local.AddTicks(-(local.Ticks % (long)Math.Pow(10, 7 - digits)));
                var minutes = offsetStyle switch
                {
                    0 or 1 or 2 => 0, // none, Z, z
                    3 => offsetMinutes / 60 * 60, // ±hh
                    _ => offsetMinutes, // ±hh:mm, ±hhmm
                };
                var sign = minutes < 0 ? "-" : "+";
                var (h, m) = (Math.Abs(minutes) / 60, Math.Abs(minutes) % 60);
                var offset = offsetStyle switch
                {
                    0 => "",
                    1 => "Z",
                    2 => "z",
                    3 => $"{sign}{h:00}",
                    4 => $"{sign}{h:00}:{m:00}",
                    _ => $"{sign}{h:00}{m:00}",
                };
                var fraction = digits == 0 ? "" : "." + (local.Ticks % TimeSpan.TicksPerSecond).ToString("0000000", CultureInfo.InvariantCulture)[..digits];
                var text = new string(' ', before) + local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (tee ? "T" : " ")
                    + local.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + fraction + offset + new string(' ', after);
                return new Spelled(text, DateTime.SpecifyKind(local.AddMinutes(-minutes), DateTimeKind.Utc));
            });

    [Fact]
    public void TryParse_AnySpelling_ReturnsTheInstantWritten()
    {
        Timestamp.Sample(spelled =>
        {
            Assert.True(SnapshotTimestamp.TryParse(spelled.Text, out var utc), spelled.Text);
            Assert.Equal(spelled.Utc, utc);
            Assert.Equal(DateTimeKind.Utc, utc.Kind);
            Assert.True(SnapshotTimestamp.TryParse(Encoding.UTF8.GetBytes(spelled.Text), out var fromBytes), spelled.Text);
            Assert.Equal(utc, fromBytes);
        }, iter: 20_000);
    }

    [Fact]
    public void TryParse_OneCharacterChanged_NeverThrowsAndBothFormsAgree()
    {
        Gen.Select(Timestamp, Gen.Int[0, 40], Gen.Char[(char)0, (char)0x2FF], Gen.Int[0, 2]).Sample((spelled, at, replacement, edit) =>
        {
            var text = spelled.Text;
            var i = at % (text.Length + 1);
            text = edit switch
            {
                0 when i < text.Length => text[..i] + replacement + text[(i + 1)..], // replaced
                1 when i < text.Length => text[..i] + text[(i + 1)..], // removed
                _ => text[..i] + replacement + text[i..], // inserted
            };
            var parsed = SnapshotTimestamp.TryParse(text, out var utc);
            var parsedBytes = SnapshotTimestamp.TryParse(Encoding.UTF8.GetBytes(text), out var utcBytes);
            Assert.True(parsed == parsedBytes && utc == utcBytes, $"'{text}': characters {parsed} {utc:O}, bytes {parsedBytes} {utcBytes:O}");
            if (parsed) Assert.Equal(DateTimeKind.Utc, utc.Kind);
        }, iter: 20_000);
    }
}
