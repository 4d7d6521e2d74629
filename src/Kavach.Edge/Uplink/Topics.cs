namespace Kavach.Edge.Uplink;

/// <summary>The device's MQTT topics (docs/alerts.md).</summary>
public sealed class Topics(string deviceId)
{
    public string Alerts { get; } = $"kavach/{deviceId}/alerts";
    public string Status { get; } = $"kavach/{deviceId}/status";
    public string Telemetry { get; } = $"kavach/{deviceId}/telemetry";
    public string CommandFilter { get; } = $"kavach/{deviceId}/cmd/#";
    public string CommandPrefix { get; } = $"kavach/{deviceId}/cmd/";
    public string CommandResult { get; } = $"kavach/{deviceId}/cmd-result";
}
