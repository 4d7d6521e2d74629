using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Kavach.Sim;

/// <summary>
/// The payloads a simulated post publishes, in the daemon's shapes (docs/alerts.md; docs/schemas/alert.schema.json,
/// status.schema.json, telemetry.schema.json). Written here rather than with the daemon's own writers: those are
/// built from kavach-edge's risk types, and the simulator does not reference the daemon. A test holds these to the
/// schemas and to the central's reader. Not thread-safe: one writer per publishing loop (the buffer is reused).
/// Public for that test (tests/Kavach.Central.Tests).
/// </summary>
public sealed class FleetPayloads
{
    public static readonly string[] Levels = ["LOW", "MEDIUM", "HIGH", "FAULT"];

    private readonly ArrayBufferWriter<byte> _buffer = new(2048);
    private readonly Utf8JsonWriter _json;

    public FleetPayloads() => _json = new Utf8JsonWriter(_buffer);

    /// <summary>One alert: a level change of <paramref name="deviceId"/> to <c>Levels[level]</c> from <c>Levels[previous]</c>
    /// (-1: the first alert the device ever sends), stamped <paramref name="utc"/>.</summary>
    public byte[] Alert(string deviceId, string epoch, long seq, int level, int previous, DateTimeOffset utc, string commissioning)
    {
        var w = Begin();
        w.WriteString("type", "alert");
        w.WriteString("id", Guid.CreateVersion7(utc).ToString());
        w.WriteString("deviceId", deviceId);
        w.WriteString("epoch", epoch);
        w.WriteNumber("seq", seq);
        w.WriteString("ts", Time(utc));
        w.WriteString("level", Levels[level]);
        if (previous < 0)
            w.WriteNull("previous");
        else
            w.WriteString("previous", Levels[previous]);
        var visibility =
            level == 0 ? 900
            : level == 1 ? 320
            : 180;
        string[] reasons = level switch
        {
            0 => ["clear: no obstacle in zone"],
            1 => [$"visibility ≤ {visibility} m (lidar)"],
            2 => [$"obstacle {40 + seq % 60} m in zone (radar)", $"visibility ≤ {visibility} m (lidar)"],
            _ => ["sensor lidar: stale (no frame for 2.0 s)"],
        };
        Strings(w, "reasons", reasons);
        Strings(w, "faults", level == 3 ? ["lidar stale"] : []);
        w.WriteNumber("visibilityM", visibility);
        w.WriteString(
            "fogClass",
            level == 0 ? "clear"
                : level == 1 ? "moderate"
                : "dense"
        );
        if (level == 2)
        {
            w.WriteStartObject("obstacle");
            w.WriteNumber("rangeM", 40 + seq % 60 + 0.1);
            w.WriteNumber("closingSpeedMps", 4.2);
            w.WriteNumber("ttcS", Math.Round((40 + seq % 60 + 0.1) / 4.2, 3));
            w.WriteString("source", "radar");
            w.WriteEndObject();
        }
        else
            w.WriteNull("obstacle");
        w.WriteStartArray("sensors");
        Sensor(w, "lidar", level == 3 ? "stale" : "live", level == 3 ? 2.0 : 0.01);
        Sensor(w, "radar", "live", 0.04);
        Sensor(w, "camera", "live", 0.07);
        w.WriteEndArray();
        w.WriteStartObject("floor");
        w.WriteString("level", Levels[level]);
        Strings(w, "reasons", reasons);
        w.WriteString("visibilitySource", "lidar");
        w.WriteBoolean("visibilityIsBound", false);
        w.WriteEndObject();
        w.WriteString("raisedBy", level == 3 ? "fault" : "floor");
        w.WriteBoolean("maintenance", false);
        w.WriteNull("maintenanceUntil");
        w.WriteNull("operator");
        w.WriteString("software", "0.1.0-sim");
        w.WriteString("configHash", "3f9c1e07a2b4d658");
        w.WriteString("commissioning", commissioning);
        w.WriteBoolean("clockSynced", true);
        return End();
    }

    /// <summary>The retained status after a connect.</summary>
    public byte[] Online(string instance, DateTimeOffset startedAt, string commissioning)
    {
        var w = Begin();
        w.WriteString("state", "online");
        w.WriteString("instance", instance);
        w.WriteString("version", "0.1.0-sim");
        w.WriteString("startedAt", Time(startedAt));
        w.WriteString("commissioning", commissioning);
        Strings(w, "degradations", []);
        return End();
    }

    /// <summary>The last will and the clean stop's status.</summary>
    public byte[] Offline(string instance)
    {
        var w = Begin();
        w.WriteString("state", "offline");
        w.WriteString("instance", instance);
        return End();
    }

    public byte[] Telemetry(string deviceId, int level, long frames, DateTimeOffset utc)
    {
        var w = Begin();
        w.WriteString("type", "telemetry");
        w.WriteString("deviceId", deviceId);
        w.WriteString("ts", Time(utc));
        if (level < 0)
            w.WriteNull("level");
        else
            w.WriteString("level", Levels[level]);
        w.WriteNumber("outbox", 0);
        w.WriteNumber("shedTotal", 0);
        w.WriteBoolean("clockSynced", true);
        w.WriteStartArray("sensors");
        foreach (var name in (string[])["lidar", "radar", "camera"])
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("state", "live");
            w.WriteNumber("frames", frames);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        return End();
    }

    private Utf8JsonWriter Begin()
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        return _json;
    }

    private byte[] End()
    {
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    private static string Time(DateTimeOffset utc) =>
        utc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void Strings(Utf8JsonWriter w, string name, string[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void Sensor(Utf8JsonWriter w, string name, string state, double ageS)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("kind", name);
        w.WriteString("state", state);
        w.WriteNumber("ageS", ageS);
        w.WriteEndObject();
    }
}
