using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Kavach.Edge.Assessment;
using Kavach.Edge.Risk;

namespace Kavach.Edge.Storage;

/// <summary>One sensor's health as an alert shows it.</summary>
public readonly record struct AlertSensor(string Name, string Kind, string State, double AgeS);

/// <summary>What an alert says besides the risk state itself (docs/alerts.md). <paramref name="Commissioning"/>: the
/// commissioning record's hash, null when not commissioned.</summary>
public sealed record AlertContext(
    string DeviceId,
    string Software,
    string ConfigHash,
    bool ClockSynced,
    bool Maintenance,
    IReadOnlyList<AlertSensor> Sensors,
    DateTimeOffset? MaintenanceUntil = null,
    Alarm.OperatorEvent? Operator = null,
    string? Commissioning = null
);

/// <summary>
/// The uplink's JSON, written by hand with <see cref="Utf8JsonWriter"/> (trim-safe, no reflection).
/// The alert payload is built once, when the alert is committed, and sent byte for byte as stored.
/// Schema: docs/schemas/alert.schema.json.
/// </summary>
public static class AlertJson
{
    /// <summary>The alert JSON of one risk change.</summary>
    public static string Alert(RiskState s, Guid id, string epoch, long seq, string? previous, AlertContext c) =>
        Write(w =>
        {
            w.WriteString("type", "alert");
            w.WriteString("id", id.ToString());
            w.WriteString("deviceId", c.DeviceId);
            w.WriteString("epoch", epoch);
            w.WriteNumber("seq", seq);
            w.WriteString("ts", Iso(s.Utc));
            w.WriteString("level", RiskLevels.Name(s.Level));
            if (previous is null)
                w.WriteNull("previous");
            else
                w.WriteString("previous", previous);
            Strings(w, "reasons", s.Reasons);
            Strings(w, "faults", s.Faults);
            var f = s.Floor;
            Number(w, "visibilityM", f?.VisibilityM ?? double.NaN);
            w.WriteString("fogClass", FogClasses.Name(f?.FogClass ?? FogClass.Unknown));
            if (f is null || f.ObstacleSource == ObstacleSource.None)
                w.WriteNull("obstacle");
            else
            {
                w.WriteStartObject("obstacle");
                Number(w, "rangeM", f.ObstacleRangeM);
                Number(w, "closingSpeedMps", f.ClosingSpeedMps);
                Number(w, "ttcS", f.TtcS);
                w.WriteString("source", SafetyFloor.SourceName(f.ObstacleSource));
                w.WriteEndObject();
            }
            w.WriteStartArray("sensors");
            foreach (var h in c.Sensors)
            {
                w.WriteStartObject();
                w.WriteString("name", h.Name);
                w.WriteString("kind", h.Kind);
                w.WriteString("state", h.State);
                Number(w, "ageS", h.AgeS);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (f is null)
                w.WriteNull("floor");
            else
            {
                w.WriteStartObject("floor");
                w.WriteString("level", RiskLevels.Name(f.Level));
                Strings(w, "reasons", f.Reasons);
                w.WriteString("visibilitySource", f.VisibilitySource);
                w.WriteBoolean("visibilityIsBound", f.VisibilityIsBound);
                w.WriteEndObject();
            }
            // "model" is absent while no model runs (disabled, not loaded, or failed that tick)
            if (s.Model is { } m)
            {
                w.WriteStartObject("model");
                w.WriteString("level", RiskLevels.Name(m.Level));
                // 4 decimals: the threshold (Model.HighProbability) is of the order of 0.01
                if (double.IsFinite(m.ObstacleProbability))
                    w.WriteNumber("obstacleProbability", Math.Round(m.ObstacleProbability, 4));
                else
                    w.WriteNull("obstacleProbability");
                w.WriteString("fogClass", FogClasses.Name(m.FogClass));
                Number(w, "visibilityM", m.Abstained is null ? m.VisibilityM : double.NaN);
                if (m.Abstained is null)
                    w.WriteNull("abstained");
                else
                    w.WriteString("abstained", m.Abstained);
                w.WriteEndObject();
            }
            // "cab" only on a locomotive unit: its speed against what can be seen
            if (f?.Cab is { } cab)
                Cab(w, cab);
            w.WriteString("raisedBy", s.RaisedBy);
            w.WriteBoolean("maintenance", c.Maintenance);
            if (c.MaintenanceUntil is { } until)
                w.WriteString("maintenanceUntil", Iso(until));
            else
                w.WriteNull("maintenanceUntil");
            // The latest operator action (start, extension, refusal, end of maintenance; acks), so the centre sees
            // who held the post's indications with every alert.
            if (c.Operator is not { } op)
                w.WriteNull("operator");
            else
            {
                w.WriteStartObject("operator");
                w.WriteString("kind", op.Kind);
                w.WriteString("by", op.By);
                w.WriteString("source", op.Source.ToString().ToLowerInvariant());
                w.WriteString("utc", Iso(op.Utc));
                w.WriteNumber("episode", op.Episode);
                w.WriteString("detail", op.Detail);
                w.WriteEndObject();
            }
            w.WriteString("software", c.Software);
            w.WriteString("configHash", c.ConfigHash);
            if (c.Commissioning is null)
                w.WriteNull("commissioning");
            else
                w.WriteString("commissioning", c.Commissioning);
            w.WriteBoolean("clockSynced", c.ClockSynced);
        });

    /// <summary>The "cab" object of a locomotive unit (alert and telemetry): own speed and the stop-within-sight speed; the same
    /// shape as /api/status's (<see cref="Api.CabStatus"/>).</summary>
    internal static void Cab(Utf8JsonWriter w, Locomotive.CabView cab)
    {
        w.WritePropertyName("cab");
        JsonSerializer.Serialize(w, Api.CabStatus.From(cab), Api.ApiJson.Default.CabStatus);
    }

    /// <summary>The record that tells the receiver which alerts the full outbox dropped.</summary>
    public static string Shed(string deviceId, string epoch, long fromSeq, long toSeq, DateTimeOffset utc) =>
        Write(w =>
        {
            w.WriteString("type", "shed");
            w.WriteString("deviceId", deviceId);
            w.WriteString("epoch", epoch);
            w.WriteNumber("fromSeq", fromSeq);
            w.WriteNumber("toSeq", toSeq);
            w.WriteNumber("count", toSeq - fromSeq + 1);
            w.WriteString("ts", Iso(utc));
        });

    /// <summary>Sent in place of an outbox row the broker refused: seq fromSeq..toSeq will not arrive, and why.</summary>
    public static string Rejected(string deviceId, string epoch, long fromSeq, long toSeq, string reason, DateTimeOffset utc) =>
        Write(w =>
        {
            w.WriteString("type", "rejected");
            w.WriteString("deviceId", deviceId);
            w.WriteString("epoch", epoch);
            w.WriteNumber("fromSeq", fromSeq);
            w.WriteNumber("toSeq", toSeq);
            w.WriteString("reason", reason);
            w.WriteString("ts", Iso(utc));
        });

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A finite number rounded to 3 decimals, else null (NaN unknown, ∞ not approaching).</summary>
    public static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v))
            w.WriteNumber(name, Math.Round(v, 3));
        else
            w.WriteNull(name);
    }

    public static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartArray(name);
        foreach (var i in items)
            w.WriteStringValue(i);
        w.WriteEndArray();
    }

    /// <summary>Writes one JSON object with <paramref name="body"/> and returns it as a string.</summary>
    public static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (
            var w = new Utf8JsonWriter(
                buffer,
                new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }
            )
        )
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
