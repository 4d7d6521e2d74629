using System.Globalization;
using Kavach.Edge.Storage;

namespace Kavach.Edge.Api;

/// <summary>
/// The query string of /api/events turned into an <see cref="EventFilter"/> (the SQL lives in storage:
/// <see cref="EventReader"/>). Filters: <c>from</c>/<c>to</c> (ISO 8601, to exclusive), <c>level</c>; newest
/// first, <c>limit</c> rows (≤ <see cref="MaxLimit"/>) before the <c>before</c> id cursor.
/// </summary>
public static class EventQuery
{
    public const int MaxLimit = 500;
    public const int DefaultLimit = 50;

    private static readonly string[] Keys = ["from", "to", "level", "limit", "before"];

    /// <summary>Parses the query string; null and an error detail for a bad or unknown parameter.</summary>
    public static EventFilter? Parse(
        IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> query,
        out string? error
    )
    {
        error = null;
        string? from = null,
            to = null,
            level = null;
        int limit = DefaultLimit;
        long? before = null;
        foreach (var (key, values) in query)
        {
            var v = values.ToString();
            if (!Keys.Contains(key, StringComparer.Ordinal) || values.Count != 1)
            {
                error = $"unknown or repeated parameter '{Alarm.RemoteText.Clean(key)}' (known: {string.Join(", ", Keys)})";
                return null;
            }
            switch (key)
            {
                case "from" or "to":
                    if (!DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                    {
                        error = $"{key}: '{Alarm.RemoteText.Clean(v)}' is not an ISO 8601 time";
                        return null;
                    }
                    var text = t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture); // the stored format: compares as text
                    if (key == "from")
                        from = text;
                    else
                        to = text;
                    break;
                case "level":
                    level = v.ToUpperInvariant();
                    if (level is not ("LOW" or "MEDIUM" or "HIGH" or "FAULT"))
                    {
                        error = $"level: '{Alarm.RemoteText.Clean(v)}' is not one of LOW, MEDIUM, HIGH, FAULT";
                        return null;
                    }
                    break;
                case "limit":
                    if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit)
                    {
                        error = $"limit: must be 1-{MaxLimit}";
                        return null;
                    }
                    break;
                case "before":
                    if (!long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var b) || b < 1)
                    {
                        error = "before: must be an event id (≥ 1)";
                        return null;
                    }
                    before = b;
                    break;
            }
        }
        return new EventFilter(from, to, level, limit, before);
    }
}
