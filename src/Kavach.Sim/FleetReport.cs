using System.Globalization;
using System.Text.Json;

namespace Kavach.Sim;

/// <summary>What a fleet run sent, as the broker acknowledged it: printed, and written as the manifest a test compares
/// with the receiver's database.</summary>
internal sealed class FleetReport(
    FleetOptions o,
    FleetDevice[] devices,
    FleetConnection[] connections,
    long generated,
    long bursts,
    int restarts,
    double seconds
)
{
    public long Alerts => connections.Sum(c => c.AlertsAcked);
    public long Refused => connections.Sum(c => c.Refused);

    public void Print(TextWriter w, bool perDevice)
    {
        if (perDevice)
        {
            foreach (var d in devices)
                w.WriteLine(
                    $"{d.Id}: {string.Join("; ", d.Streams.Select(s => $"epoch {s.Epoch} seq {Ranges(s.Ranges)}"))} ({d.Streams.Sum(s => Count(s.Ranges))} alerts)"
                );
        }
        var noSubscribers = connections.Sum(c => c.NoSubscribers);
        w.WriteLine(
            FormattableString.Invariant(
                $"kavach-sim fleet: {o.Devices} posts on {o.Connections} connections: {Alerts} alerts acknowledged of {generated} generated ({bursts} bursts, {restarts} restarts), "
            )
                + FormattableString.Invariant(
                    $"{connections.Sum(c => c.Statuses)} statuses, {connections.Sum(c => c.Telemetry)} telemetry, in {seconds:0.00} s ({Alerts / seconds:0} alerts/s); "
                )
                + FormattableString.Invariant(
                    $"{Refused} refused, {noSubscribers} with no subscriber, {connections.Sum(c => c.Reconnects)} reconnects"
                )
        );
        if (noSubscribers > 0)
            w.WriteLine(
                "kavach-sim fleet: warning: the broker had no subscriber for some messages (no receiver was subscribed): they are gone"
            );
    }

    /// <summary><c>{"devices":N,"alerts":A,"seconds":S,"streams":[{"deviceId","epoch","count","ranges":[[from,to],…]}…]}</c>:
    /// one entry per post and epoch, in the order the posts used them.</summary>
    public void WriteManifest(string path)
    {
        using var file = File.Create(path);
        using var w = new Utf8JsonWriter(file);
        w.WriteStartObject();
        w.WriteNumber("devices", o.Devices);
        w.WriteNumber("alerts", Alerts);
        w.WriteNumber("generated", generated);
        w.WriteNumber("refused", Refused);
        w.WriteNumber("restarts", restarts);
        w.WriteNumber("bursts", bursts);
        w.WriteNumber("seconds", Math.Round(seconds, 3));
        w.WriteStartArray("streams");
        foreach (var d in devices)
        {
            foreach (var (epoch, ranges) in d.Streams)
            {
                w.WriteStartObject();
                w.WriteString("deviceId", d.Id);
                w.WriteString("epoch", epoch);
                w.WriteNumber("count", Count(ranges));
                w.WriteStartArray("ranges");
                foreach (var (from, to) in ranges)
                {
                    w.WriteStartArray();
                    w.WriteNumberValue(from);
                    w.WriteNumberValue(to);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static long Count(List<(long From, long To)> ranges) => ranges.Sum(r => r.To - r.From + 1);

    private static string Ranges(List<(long From, long To)> ranges) =>
        ranges.Count == 0
            ? "none"
            : string.Join(
                ",",
                ranges.Select(r =>
                    r.From == r.To ? r.From.ToString(CultureInfo.InvariantCulture) : FormattableString.Invariant($"{r.From}..{r.To}")
                )
            );
}
