using Kavach.Edge.Assessment;
using Kavach.Edge.Fusion;
using Kavach.Edge.Storage;
using Kavach.Protocols;

namespace Kavach.Edge.Uplink;

/// <summary>Status, telemetry and command-result JSON (docs/alerts.md; alerts are in <see cref="AlertJson"/>).</summary>
public static class UplinkJson
{
    // Every status names the process that sent it (instance: random per start), so a unit can tell its own
    // retained status from another unit's under the same device id (IdentityGuard).
    /// <param name="degradations">Named degradations at connect (not commissioned, coverage); written when given.</param>
    /// <param name="commissioning">The commissioning record's hash, null when not commissioned.</param>
    public static string Online(
        string version,
        DateTimeOffset startedAt,
        string instance,
        IReadOnlyList<string>? degradations = null,
        string? commissioning = null
    ) =>
        AlertJson.Write(w =>
        {
            w.WriteString("state", "online");
            w.WriteString("instance", instance);
            w.WriteString("version", version);
            w.WriteString("startedAt", AlertJson.Iso(startedAt));
            if (degradations is null)
                return;
            if (commissioning is null)
                w.WriteNull("commissioning");
            else
                w.WriteString("commissioning", commissioning);
            AlertJson.Strings(w, "degradations", degradations);
        });

    public static string Offline(string instance) =>
        AlertJson.Write(w =>
        {
            w.WriteString("state", "offline");
            w.WriteString("instance", instance);
        });

    /// <summary>Retained while the unit holds its uplink back because another unit uses its device id.</summary>
    public static string Conflict(string instance, string reason, DateTimeOffset since) =>
        AlertJson.Write(w =>
        {
            w.WriteString("state", "conflict");
            w.WriteString("instance", instance);
            w.WriteString("reason", reason);
            w.WriteString("since", AlertJson.Iso(since));
        });

    public static string Telemetry(
        string deviceId,
        DateTimeOffset utc,
        RiskLevel? level,
        long outbox,
        long shedTotal,
        bool clockSynced,
        FusionSnapshot? snapshot,
        IReadOnlyList<string> sensorNames,
        IReadOnlyList<string>? degradations = null,
        Locomotive.CabView? cab = null
    ) =>
        AlertJson.Write(w =>
        {
            w.WriteString("type", "telemetry");
            w.WriteString("deviceId", deviceId);
            w.WriteString("ts", AlertJson.Iso(utc));
            if (level is { } l)
                w.WriteString("level", RiskLevels.Name(l));
            else
                w.WriteNull("level");
            w.WriteNumber("outbox", outbox);
            w.WriteNumber("shedTotal", shedTotal);
            w.WriteBoolean("clockSynced", clockSynced);
            if (degradations is not null)
                AlertJson.Strings(w, "degradations", degradations);
            if (cab is not null)
                AlertJson.Cab(w, cab);
            w.WriteStartArray("sensors");
            if (snapshot is not null)
            {
                for (var i = 0; i < snapshot.Sensors.Length && i < sensorNames.Count; i++)
                {
                    ref readonly var f = ref snapshot.Sensors[i];
                    w.WriteStartObject();
                    w.WriteString("name", sensorNames[i]);
                    w.WriteString("state", ReadingRecorder.StateName(ReadingRecorder.StateCode(f)));
                    w.WriteNumber("frames", f.Frames);
                    if (f.Kind == SensorKind.Lidar)
                    {
                        AlertJson.Number(w, "noReturn", f.Frames > 0 ? 1 - f.ValidRatio : double.NaN);
                        AlertJson.Number(w, "minM", f.NearestM);
                        AlertJson.Number(w, "medianM", f.MedianM);
                        AlertJson.Number(w, "strength", f.StrengthMedian);
                    }
                    else if (f.Kind == SensorKind.Radar)
                    {
                        AlertJson.Number(w, "rangeM", f.RangeM);
                        AlertJson.Number(w, "closingSpeedMps", f.ClosingSpeedMps);
                        AlertJson.Number(w, "snrDb", f.SnrDb);
                    }
                    else if (f.Kind == SensorKind.Camera)
                        AlertJson.Number(w, "visibilityM", f.VisibilityM);
                    w.WriteEndObject();
                }
            }
            w.WriteEndArray();
        });

    public static string CommandResult(string deviceId, string command, bool accepted, string reason, long? seq, DateTimeOffset utc) =>
        AlertJson.Write(w =>
        {
            w.WriteString("type", "cmd-result");
            w.WriteString("deviceId", deviceId);
            w.WriteString("command", command);
            w.WriteBoolean("accepted", accepted);
            w.WriteString("reason", reason);
            if (seq is { } s)
                w.WriteNumber("seq", s);
            w.WriteString("ts", AlertJson.Iso(utc));
        });
}
