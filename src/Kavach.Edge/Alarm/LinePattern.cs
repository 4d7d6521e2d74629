using System.Globalization;

namespace Kavach.Edge.Alarm;

/// <summary>
/// What one line does under a pattern: steady on, off, or a cycle of on/off segments (starting with on)
/// shifted by an offset. Text form: <c>on</c>, <c>off</c>, <c>500/500</c> (on 500 ms, off 500 ms),
/// <c>150/150/150/1550</c> (a double chirp), <c>@500 500/500</c> (the same, half a period late).
/// Immutable; times are milliseconds since the pattern started.
/// </summary>
public sealed class LinePattern
{
    /// <summary>Shortest segment accepted: shorter flashes are not reliably seen (or heard) and only load the driver.</summary>
    public const int MinSegmentMs = 20;

    public static readonly LinePattern On = new(true, [], 0);
    public static readonly LinePattern Off = new(false, [], 0);

    private readonly int[] _segments;
    private readonly int _period;

    private LinePattern(bool steady, int[] segments, int offsetMs)
    {
        Steady = steady;
        _segments = segments;
        _period = segments.Sum();
        OffsetMs = _period == 0 ? 0 : offsetMs % _period;
    }

    /// <summary>A cycle of on/off durations (even count, starting with on), <paramref name="offsetMs"/> late.</summary>
    public static LinePattern Cycle(int offsetMs, params int[] segmentsMs)
    {
        if (segmentsMs.Length == 0 || segmentsMs.Length % 2 != 0)
            throw new ArgumentException("an even, non-zero count of on/off durations", nameof(segmentsMs));
        return new LinePattern(false, [.. segmentsMs], offsetMs);
    }

    /// <summary>True for a constant pattern (on or off); its value is <see cref="Steady"/>.</summary>
    public bool IsConstant => _period == 0;

    /// <summary>The value of a constant pattern.</summary>
    public bool Steady { get; }

    public int OffsetMs { get; }

    /// <summary>True when the line is never on.</summary>
    public bool IsOff => IsConstant && !Steady;

    /// <summary>The line's logical state <paramref name="ms"/> after the pattern started.</summary>
    public bool IsOn(long ms)
    {
        if (IsConstant)
            return Steady;
        var p = Position(ms);
        for (var i = 0; i < _segments.Length; i++)
        {
            if (p < _segments[i])
                return i % 2 == 0;
            p -= _segments[i];
        }
        return false;
    }

    /// <summary>The first time after <paramref name="ms"/> at which the line changes; <see cref="long.MaxValue"/> for a constant.</summary>
    public long NextChange(long ms)
    {
        if (IsConstant)
            return long.MaxValue;
        var p = Position(ms);
        var end = 0L;
        foreach (var s in _segments)
        {
            end += s;
            if (p < end)
                return ms + (end - p);
        }
        return ms + (_period - p);
    }

    private long Position(long ms)
    {
        var p = (ms - OffsetMs) % _period;
        return p < 0 ? p + _period : p;
    }

    /// <summary>Parses the text form; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string text, out LinePattern pattern, out string error)
    {
        pattern = Off;
        error = "";
        var t = text.Trim();
        if (t.Equals("on", StringComparison.OrdinalIgnoreCase))
        {
            pattern = On;
            return true;
        }
        if (t.Equals("off", StringComparison.OrdinalIgnoreCase))
            return true;
        var offset = 0;
        if (t.StartsWith('@'))
        {
            var space = t.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || !int.TryParse(t.AsSpan(1, space - 1), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
            {
                error = $"'{text}': expected '@OFFSET ON/OFF...', e.g. '@500 500/500'";
                return false;
            }
            t = t[(space + 1)..].Trim();
        }
        var parts = t.Split('/');
        var segments = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (
                !int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out segments[i])
                || segments[i] < MinSegmentMs
                || segments[i] > 60_000
            )
            {
                error =
                    $"'{text}': expected on, off or ON/OFF durations in ms ({MinSegmentMs}-60000 each), e.g. 500/500 or 150/150/150/1550";
                return false;
            }
        }
        if (segments.Length % 2 != 0)
        {
            error = $"'{text}': needs an even count of durations (on/off pairs)";
            return false;
        }
        pattern = new LinePattern(false, segments, offset);
        return true;
    }

    public override string ToString()
    {
        if (IsConstant)
            return Steady ? "on" : "off";
        var cycle = string.Join('/', _segments.Select(s => s.ToString(CultureInfo.InvariantCulture)));
        return OffsetMs == 0 ? cycle : $"@{OffsetMs.ToString(CultureInfo.InvariantCulture)} {cycle}";
    }
}
