using System.Globalization;

namespace Kavach.Edge.Api;

/// <summary>
/// What GET /api/incidents/{id} names: a stored level change, as "RUN-CHANGE" (the daemon run, <c>events.run</c>, and
/// <see cref="Risk.RiskState.Change"/> within it, <c>events.change</c>: the alarm's episode numbers) or as the alert's id
/// (the UUID the centre received). Any change of the incident names it; the report's own id is its first change.
/// </summary>
public readonly record struct IncidentId(long Run, long Change, Guid? Alert)
{
    /// <summary>Parses "12-5" or an alert UUID ("0193…-…"); false for anything else.</summary>
    public static bool TryParse(string? text, out IncidentId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
            return false;
        if (Guid.TryParseExact(text, "D", out var alert))
        {
            id = new IncidentId(0, 0, alert);
            return true;
        }
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (
            dash > 0
            && long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var run)
            && long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var change)
            && run >= 1
            && change >= 1
        )
        {
            id = new IncidentId(run, change, null);
            return true;
        }
        return false;
    }

    public static string Format(long run, long change) => string.Create(CultureInfo.InvariantCulture, $"{run}-{change}");

    public override string ToString() => Alert?.ToString() ?? Format(Run, Change);
}
