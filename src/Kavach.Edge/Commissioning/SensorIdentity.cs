using System.Globalization;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.Commissioning;

/// <summary>
/// What makes a record belong to a configuration: the sensor set — names, kinds, protocols (with the tf-series
/// variant) and transports, in order. A record made for another set describes another scene and is refused.
/// </summary>
public static class SensorIdentity
{
    public static string Protocol(SensorOptions s) => s.Protocol.Name + (s.Variant is { } v ? " " + v.ToLowerInvariant() : "");

    public static string Transport(SensorOptions s)
    {
        var t = s.Transport;
        var type = TransportOptions.TypeName(t.Type);
        return t.Type switch
        {
            TransportType.Serial => $"{type} {t.Path}",
            TransportType.Mqtt => string.Create(CultureInfo.InvariantCulture, $"{type} {t.Host}:{t.Port} {t.Topic}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{type} {t.Host}:{t.Port}"),
        };
    }

    /// <summary>Every difference between the record's sensors and the configuration's, one line each; empty when they match.</summary>
    public static List<string> Differences(CommissioningRecord record, KavachOptions options)
    {
        var diffs = new List<string>();
        var recorded = record.Sensors;
        for (var i = 0; i < Math.Max(recorded.Count, options.Sensors.Count); i++)
        {
            if (i >= options.Sensors.Count)
            {
                diffs.Add($"sensor '{recorded[i].Name}' is in the record but not in the configuration");
                continue;
            }
            var s = options.Sensors[i];
            if (i >= recorded.Count)
            {
                diffs.Add($"sensor '{s.Name}' is in the configuration but not in the record");
                continue;
            }
            var r = recorded[i];
            if (!string.Equals(r.Name, s.Name, StringComparison.Ordinal))
            {
                diffs.Add($"Sensors[{i}] is '{s.Name}', the record has '{r.Name}'");
                continue;
            }
            Compare(diffs, s.Name, "kind", r.Kind, RecordBuilder.Kind(s.Kind));
            Compare(diffs, s.Name, "protocol", r.Protocol, Protocol(s));
            Compare(diffs, s.Name, "transport", r.Transport, Transport(s));
        }
        return diffs;
    }

    private static void Compare(List<string> diffs, string name, string what, string recorded, string configured)
    {
        if (!string.Equals(recorded, configured, StringComparison.OrdinalIgnoreCase))
            diffs.Add($"sensor '{name}' {what}: record '{recorded}', configuration '{configured}'");
    }
}
