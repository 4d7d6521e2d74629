using System.Globalization;
using Kavach.Edge.Storage;

namespace Kavach.Edge.Api;

/// <summary>
/// The query string of /api/trends turned into a <see cref="TrendQuery"/> (the SQL lives in storage: <see cref="TrendReader"/>).
/// <c>from</c>/<c>to</c>: ISO 8601 (UTC assumed without an offset) or unix seconds; default the last hour up to now. <c>step</c>:
/// seconds per point; without it the smallest of <see cref="Steps"/> giving at most <see cref="MaxPoints"/> points. <c>from</c> is
/// rounded down to a multiple of the step, so the buckets of two queries line up.
/// </summary>
public static class TrendsQuery
{
    public const int MaxPoints = 1000;
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);
    public static readonly TimeSpan DefaultRange = TimeSpan.FromHours(1);

    /// <summary>The steps chosen automatically, seconds.</summary>
    public static readonly int[] Steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

    private static readonly string[] Keys = ["from", "to", "step"];

    /// <summary>Parses the query string; null and an error detail naming the parameter for a bad, unknown or too large one.</summary>
    public static TrendQuery? Parse(
        IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> query,
        DateTimeOffset now,
        out string? error
    )
    {
        error = null;
        long? from = null,
            to = null;
        int? step = null;
        foreach (var (key, values) in query)
        {
            var v = values.ToString();
            if (!Keys.Contains(key, StringComparer.Ordinal) || values.Count != 1)
            {
                error = $"unknown or repeated parameter '{Alarm.RemoteText.Clean(key)}' (known: {string.Join(", ", Keys)})";
                return null;
            }
            if (key == "step")
            {
                if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s < 1)
                {
                    error = $"step: '{Alarm.RemoteText.Clean(v)}' is not a whole number of seconds ≥ 1";
                    return null;
                }
                step = s;
                continue;
            }
            if (Time(v) is not { } t)
            {
                error = $"{key}: '{Alarm.RemoteText.Clean(v)}' is not an ISO 8601 time or unix seconds";
                return null;
            }
            if (key == "from")
                from = t;
            else
                to = t;
        }
        var toS = to ?? now.ToUnixTimeSeconds() + 1; // the current second's row is stamped at its end
        var fromS = from ?? toS - (long)DefaultRange.TotalSeconds;
        if (fromS >= toS)
        {
            error = "from: must be before to";
            return null;
        }
        if (toS - fromS > (long)MaxRange.TotalSeconds)
        {
            error = $"from: the range from to to is longer than {MaxRange.TotalDays:0} days";
            return null;
        }
        var chosen = step ?? Steps.FirstOrDefault(s => Points(fromS, toS, s) <= MaxPoints, Steps[^1]);
        var q = new TrendQuery(fromS - Mod(fromS, chosen), toS, chosen);
        if (q.Points > MaxPoints)
        {
            error = $"step: {chosen} s gives {q.Points} points over this range; at most {MaxPoints} (leave step out to have it chosen)";
            return null;
        }
        return q;
    }

    private static long Points(long fromS, long toS, int step) => (toS - (fromS - Mod(fromS, step)) + step - 1) / step;

    private static long Mod(long a, int b) => ((a % b) + b) % b;

    // Unix seconds (digits, an optional minus) or ISO 8601; years 1970-9999 only.
    private static long? Time(string v)
    {
        if (v.Length is > 0 and <= 12 && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var unix))
            return unix is >= 0 and <= 253_402_300_799 ? unix : null;
        return
            DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            && t.ToUnixTimeSeconds() >= 0
            ? t.ToUnixTimeSeconds()
            : null;
    }
}
