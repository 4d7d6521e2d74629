using System.Text.Json;
using Kavach.Edge.Alarm;

namespace Kavach.Edge.Uplink;

/// <summary>A command as received (copied out of MQTTnet's buffers on its receive thread).</summary>
public sealed record ReceivedCommand(string Name, byte[] Payload, bool Retained, uint ExpiryS, byte[]? CorrelationData);

/// <summary>What a command led to, for <c>cmd-result</c>.</summary>
public sealed record CommandResult(string Command, bool Accepted, string Reason, long? Seq);

/// <summary>
/// Checks and carries out remote commands (<c>cmd/ack</c>, <c>cmd/maintenance</c>). Refused, each with a
/// reason: retained commands (a stale retained message must never act), commands without an MQTT 5
/// message expiry or with one above <c>Uplink.MaxCommandAgeS</c> (the broker drops a command once its
/// expiry runs out, so an accepted one is never older than that, whatever our clock says — a board
/// without RTC cannot judge a timestamp), malformed JSON, unknown fields, unknown commands, and acks for
/// anything but the current alarm episode, maintenance starts and extensions unless
/// <c>Uplink.AllowRemoteMaintenance</c> (ending is always allowed). Everything that came over the wire and is
/// echoed (command name, field names, <c>by</c>) passes <see cref="RemoteText"/> first, so the result, the log
/// and the database never carry a forged line. Called from the uplink loop only (not MQTTnet's thread).
/// </summary>
public sealed class CommandHandler(
    int maxAgeS,
    ICommandTarget? target,
    Func<long, (long Run, long Change)?> findAlert,
    Func<long, long, long?> findSeq,
    Func<long> currentRun,
    bool allowRemoteMaintenance = false
)
{
    public const int MaxByLength = RemoteText.MaxLength;
    public const int MaxMaintenanceMinutes = 24 * 60;
    private const int MaxReasonLength = 400;

    public CommandResult Handle(ReceivedCommand c)
    {
        var r = HandleRaw(c);
        return r with { Command = RemoteText.Clean(r.Command), Reason = RemoteText.Clean(r.Reason, MaxReasonLength) };
    }

    private CommandResult HandleRaw(ReceivedCommand c)
    {
        if (c.Retained)
            return Refuse(c.Name, "retained commands are refused: publish commands with retain off");
        if (c.ExpiryS == 0)
            return Refuse(c.Name, $"a command must carry an MQTT 5 message expiry interval of 1-{maxAgeS} s");
        if (c.ExpiryS > maxAgeS)
            return Refuse(c.Name, $"message expiry {c.ExpiryS} s is longer than Uplink.MaxCommandAgeS ({maxAgeS} s)");
        if (c.Name is not ("ack" or "maintenance"))
            return Refuse(c.Name, $"unknown command '{RemoteText.Clean(c.Name)}' (known: ack, maintenance)");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(c.Payload);
        }
        catch (JsonException e)
        {
            return Refuse(c.Name, "malformed JSON: " + e.Message);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return Refuse(c.Name, "the payload must be a JSON object");
            if (target is null)
                return Refuse(c.Name, "alarm control is not available");
            return c.Name == "ack" ? Ack(doc.RootElement) : Maintenance(doc.RootElement);
        }
    }

    private CommandResult Ack(JsonElement root)
    {
        if (Unknown(root, "seq", "by") is { } u)
            return Refuse("ack", u);
        if (
            !root.TryGetProperty("seq", out var seqEl)
            || seqEl.ValueKind != JsonValueKind.Number
            || !seqEl.TryGetInt64(out var seq)
            || seq < 1
        )
            return Refuse("ack", "'seq' must be the alert's seq (a whole number from 1)");
        if (By(root) is not { } by)
            return Refuse("ack", $"'by' must name who acknowledges (1-{MaxByLength} characters)", seq);
        var alert = findAlert(seq);
        if (alert is null)
            return Refuse("ack", $"no alert with seq {seq}", seq);
        var (run, change) = alert.Value;
        if (run != currentRun())
            return Refuse("ack", $"alert seq {seq} is from an earlier run of the daemon, not the current episode", seq);
        var current = target!.CurrentEpisode;
        if (change != current)
        {
            var currentSeq = findSeq(run, current);
            return Refuse(
                "ack",
                $"alert seq {seq} is not the current alarm episode{(currentSeq is { } cs ? $" (that is seq {cs})" : "")}",
                seq
            );
        }
        var outcome = target.Acknowledge(change, by, CommandSource.Mqtt);
        return new CommandResult("ack", outcome.Accepted, outcome.Reason, seq);
    }

    private CommandResult Maintenance(JsonElement root)
    {
        if (Unknown(root, "minutes", "end", "by") is { } u)
            return Refuse("maintenance", u);
        if (By(root) is not { } by)
            return Refuse("maintenance", $"'by' must name who asks (1-{MaxByLength} characters)");
        var hasEnd = root.TryGetProperty("end", out var end);
        var hasMinutes = root.TryGetProperty("minutes", out var minutes);
        if (hasEnd == hasMinutes)
            return Refuse("maintenance", "give either \"minutes\" (start) or \"end\": true (end)");
        if (hasEnd)
        {
            if (end.ValueKind != JsonValueKind.True)
                return Refuse("maintenance", "'end' must be true");
            var o = target!.EndMaintenance(by, CommandSource.Mqtt);
            return new CommandResult("maintenance", o.Accepted, o.Reason, null);
        }
        if (!allowRemoteMaintenance)
            return Refuse(
                "maintenance",
                "remote maintenance is off on this unit (Uplink.AllowRemoteMaintenance is false): start it from the page on the post's network; ending it remotely is allowed"
            );
        if (minutes.ValueKind != JsonValueKind.Number || !minutes.TryGetInt32(out var m) || m < 1 || m > MaxMaintenanceMinutes)
            return Refuse("maintenance", $"'minutes' must be a whole number 1-{MaxMaintenanceMinutes}");
        var outcome = target!.StartMaintenance(TimeSpan.FromMinutes(m), by, CommandSource.Mqtt);
        return new CommandResult("maintenance", outcome.Accepted, outcome.Reason, null);
    }

    // Over-long is refused (a clear answer); control and format characters are stripped; nothing left is refused.
    private static string? By(JsonElement root) =>
        root.TryGetProperty("by", out var by)
        && by.ValueKind == JsonValueKind.String
        && by.GetString() is { Length: > 0 and <= MaxByLength } s
        && RemoteText.Clean(s) is { Length: > 0 } clean
            ? clean
            : null;

    private static string? Unknown(JsonElement root, params string[] known)
    {
        foreach (var p in root.EnumerateObject())
            if (Array.IndexOf(known, p.Name) < 0)
                return $"unknown field '{RemoteText.Clean(p.Name)}' (known: {string.Join(", ", known)})";
        return null;
    }

    private static CommandResult Refuse(string command, string reason, long? seq = null) => new(command, false, reason, seq);
}
