namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>
/// Parses snapshot timestamps such as <c>2020-01-10 14:11:05.63+00</c>: a date, a space or <c>T</c>, a time with
/// 0–7 fraction digits and an optional offset (<c>Z</c>, <c>+hh</c>, <c>+hh:mm</c>, <c>+hhmm</c>; none means UTC).
/// Hand-written because it runs for every one of millions of rows.
/// </summary>
internal static class SnapshotTimestamp
{
    /// <summary>As <see cref="TryParse(ReadOnlySpan{char}, out DateTime)"/>, from UTF-8 bytes as the CSV reader holds them (no string allocated).</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out DateTime utc)
    {
        utc = default;
        if (utf8.Length > 64) return false;
        Span<char> text = stackalloc char[64];
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] > 127) return false;
            text[i] = (char)utf8[i];
        }
        return TryParseAscii(text[..utf8.Length], out utc);
    }

    /// <summary>The instant as a UTC <see cref="DateTime"/>, or false when the text is not such a timestamp.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTime utc)
    {
        utc = default;
        // ASCII only, as the bytes of a CSV field are read: a no-break space is not padding (the property test found
        // the two forms disagreeing on it).
        return !text.ContainsAnyExceptInRange((char)0, (char)127) && TryParseAscii(text, out utc);
    }

    /// <summary>The parse itself, of text already known to be ASCII (the byte form checks as it copies, once per row).</summary>
    private static bool TryParseAscii(ReadOnlySpan<char> text, out DateTime utc)
    {
        utc = default;
        text = text.Trim();
        if (text.Length < 19 || text[4] != '-' || text[7] != '-' || text[10] is not (' ' or 'T') || text[13] != ':' || text[16] != ':')
            return false;
        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second))
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;

        var i = 19;
        long fractionTicks = 0;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            var start = i;
            var scale = TimeSpan.TicksPerSecond;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                if (i - start >= 7) return false;
                scale /= 10;
                fractionTicks += (text[i] - '0') * scale;
                i++;
            }
            if (i == start) return false;
        }

        var offsetMinutes = 0;
        if (i < text.Length)
        {
            var sign = text[i];
            if (sign is 'Z' or 'z')
            {
                i++;
            }
            else if (sign is '+' or '-')
            {
                if (!Digits(text, i + 1, 2, out var offsetHours) || offsetHours > 14) return false;
                i += 3;
                var offsetMins = 0;
                if (i < text.Length && text[i] == ':') i++;
                if (i < text.Length)
                {
                    if (!Digits(text, i, 2, out offsetMins) || offsetMins > 59) return false;
                    i += 2;
                }
                offsetMinutes = (offsetHours * 60 + offsetMins) * (sign == '-' ? -1 : 1);
            }
            else
            {
                return false;
            }
        }
        if (i != text.Length) return false;

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks;
        var ticks = local - offsetMinutes * TimeSpan.TicksPerMinute;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks) return false;
        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length) return false;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i])) return false;
            value = value * 10 + (text[i] - '0');
        }
        return true;
    }
}
