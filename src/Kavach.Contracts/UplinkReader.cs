using System.Globalization;
using System.Text.Json;

namespace Kavach.Contracts;

/// <summary>
/// Reads the daemon's uplink payloads (written by kavach-edge's AlertJson and UplinkJson) with
/// <see cref="Utf8JsonReader"/>: trim-safe, top-level fields only, nested objects skipped. No I/O, no clock;
/// thread-safe. A payload that does not fit the contract gives false and one line saying why.
/// </summary>
public static class UplinkReader
{
    /// <summary>An alert or a shed record from <c>kavach/DEVICE/alerts</c>: exactly one of the two is set on success.</summary>
    public static bool TryReadAlerts(ReadOnlySpan<byte> json, out AlertRecord? alert, out ShedRecord? shed, out string error)
    {
        alert = null;
        shed = null;
        if (!TryFields(json, out var f, out error))
            return false;
        var type = f.Str("type");
        if (type == "alert")
        {
            if (!f.Need(out error, "id", "deviceId", "seq", "ts", "level"))
                return false;
            if (!Guid.TryParse(f.Str("id"), out var id))
                return Fail(out error, "id: not a UUID");
            if (f.Long("seq") is not > 0)
                return Fail(out error, "seq: not a positive whole number");
            if (!TryTime(f.Str("ts"), out var ts))
                return Fail(out error, "ts: not an ISO 8601 time");
            var level = f.Str("level")!;
            if (!AlertLevels.IsKnown(level))
                return Fail(out error, $"level: unknown '{level}'");
            alert = new AlertRecord(
                id,
                f.Str("deviceId")!,
                f.Str("epoch") ?? "",
                f.Long("seq")!.Value,
                ts,
                level,
                f.Str("previous"),
                f.Bool("clockSynced") ?? false
            );
            return true;
        }
        if (type == "shed")
        {
            if (!f.Need(out error, "deviceId", "fromSeq", "toSeq", "ts"))
                return false;
            if (f.Long("fromSeq") is not > 0 || f.Long("toSeq") is not { } to || to < f.Long("fromSeq"))
                return Fail(out error, "fromSeq/toSeq: not a range of positive seq");
            if (!TryTime(f.Str("ts"), out var ts))
                return Fail(out error, "ts: not an ISO 8601 time");
            shed = new ShedRecord(f.Str("deviceId")!, f.Str("epoch") ?? "", f.Long("fromSeq")!.Value, to, ts);
            return true;
        }
        return Fail(out error, type is null ? "type: missing" : $"type: '{type}' is neither alert nor shed");
    }

    /// <summary>A status from <c>kavach/DEVICE/status</c>.</summary>
    public static bool TryReadStatus(ReadOnlySpan<byte> json, out StatusRecord? status, out string error)
    {
        status = null;
        if (!TryFields(json, out var f, out error))
            return false;
        if (!f.Need(out error, "state", "instance"))
            return false;
        var state = f.Str("state")!;
        if (state is not ("online" or "offline" or "conflict"))
            return Fail(out error, $"state: unknown '{state}'");
        DateTimeOffset? started = TryTime(f.Str("startedAt"), out var t) ? t : null;
        status = new StatusRecord(state, f.Str("instance")!, f.Str("version"), started, f.Str("commissioning"));
        return true;
    }

    /// <summary>A telemetry message from <c>kavach/DEVICE/telemetry</c>: the receiver keeps only who sent it and when
    /// (docs/schemas/telemetry.schema.json has the rest).</summary>
    public static bool TryReadTelemetry(ReadOnlySpan<byte> json, out string deviceId, out string error)
    {
        deviceId = "";
        if (!TryFields(json, out var f, out error))
            return false;
        if (f.Str("type") != "telemetry")
            return Fail(out error, "type: not telemetry");
        if (!f.Need(out error, "deviceId"))
            return false;
        deviceId = f.Str("deviceId")!;
        return true;
    }

    /// <summary>A command result from <c>kavach/DEVICE/cmd-result</c> (docs/schemas/cmd-result.schema.json).</summary>
    public static bool TryReadCommandResult(ReadOnlySpan<byte> json, out CommandResultRecord? result, out string error)
    {
        result = null;
        if (!TryFields(json, out var f, out error))
            return false;
        if (f.Str("type") != "cmd-result")
            return Fail(out error, "type: not cmd-result");
        if (!f.Need(out error, "deviceId", "command", "accepted", "reason", "ts"))
            return false;
        if (f.Bool("accepted") is not { } accepted)
            return Fail(out error, "accepted: not a boolean");
        if (f.Str("deviceId") is not { } deviceId || f.Str("command") is not { } command || f.Str("reason") is not { } reason)
            return Fail(out error, "deviceId, command, reason: not strings");
        if (!TryTime(f.Str("ts"), out var ts))
            return Fail(out error, "ts: not an ISO 8601 time");
        result = new CommandResultRecord(deviceId, command, accepted, reason, f.Long("seq"), ts);
        return true;
    }

    private static bool Fail(out string error, string message)
    {
        error = message;
        return false;
    }

    private static bool TryTime(string? s, out DateTimeOffset t) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out t);

    // The top-level scalar fields of one JSON object (strings, numbers, booleans; null is kept as absent).
    private static bool TryFields(ReadOnlySpan<byte> json, out Fields fields, out string error)
    {
        fields = new Fields();
        error = "";
        try
        {
            var r = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
                return Fail(out error, "not a JSON object");
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                var name = r.GetString()!;
                r.Read();
                switch (r.TokenType)
                {
                    case JsonTokenType.String:
                        fields.Strings[name] = r.GetString()!;
                        break;
                    case JsonTokenType.Number:
                        if (r.TryGetInt64(out var n))
                            fields.Numbers[name] = n;
                        break;
                    case JsonTokenType.True:
                        fields.Bools[name] = true;
                        break;
                    case JsonTokenType.False:
                        fields.Bools[name] = false;
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        r.Skip();
                        break;
                }
            }
            if (r.TokenType != JsonTokenType.EndObject)
                return Fail(out error, "not a JSON object");
            return true;
        }
        catch (JsonException e)
        {
            return Fail(out error, "malformed JSON: " + e.Message);
        }
    }

    private sealed class Fields
    {
        public Dictionary<string, string> Strings { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Numbers { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, bool> Bools { get; } = new(StringComparer.Ordinal);

        public string? Str(string name) => Strings.GetValueOrDefault(name);

        public long? Long(string name) => Numbers.TryGetValue(name, out var v) ? v : null;

        public bool? Bool(string name) => Bools.TryGetValue(name, out var v) ? v : null;

        public bool Need(out string error, params string[] names)
        {
            foreach (var n in names)
                if (!Strings.ContainsKey(n) && !Numbers.ContainsKey(n) && !Bools.ContainsKey(n))
                    return Fail(out error, $"{n}: missing");
            error = "";
            return true;
        }
    }
}
