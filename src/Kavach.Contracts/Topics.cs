namespace Kavach.Contracts;

/// <summary>The device's MQTT topics (docs/alerts.md), and the receiver's view of them (docs/central.md).</summary>
public sealed class Topics(string deviceId)
{
    /// <summary>The first level of every topic.</summary>
    public const string Root = "kavach";

    public string Alerts { get; } = $"kavach/{deviceId}/alerts";
    public string Status { get; } = $"kavach/{deviceId}/status";
    public string Telemetry { get; } = $"kavach/{deviceId}/telemetry";
    public string CommandFilter { get; } = $"kavach/{deviceId}/cmd/#";
    public string CommandPrefix { get; } = $"kavach/{deviceId}/cmd/";
    public string CommandResult { get; } = $"kavach/{deviceId}/cmd-result";

    /// <summary>An MQTT 5 shared subscription to one leaf (<c>alerts</c>, <c>status</c>) of every device:
    /// <c>$share/GROUP/kavach/+/LEAF</c>; the broker gives each message to one member of the group.</summary>
    public static string Shared(string group, string leaf) => $"$share/{group}/{Root}/+/{leaf}";

    /// <summary>Splits <c>kavach/DEVICE/LEAF</c> into the device id and the leaf; false for any other shape.</summary>
    public static bool TrySplit(string topic, out string deviceId, out string leaf)
    {
        deviceId = leaf = "";
        var parts = topic.Split('/');
        if (parts.Length != 3 || parts[0] != Root || parts[1].Length == 0 || parts[2].Length == 0)
            return false;
        deviceId = parts[1];
        leaf = parts[2];
        return true;
    }
}
