using System.Text.RegularExpressions;

namespace Kavach.Edge.Configuration;

/// <summary>Where the unit stands and what it is called.</summary>
public enum DeviceMode
{
    /// <summary>A fixed sensor post guarding a protected zone (level crossing, track section).</summary>
    Trackside,
}

/// <summary><c>Device</c> section.</summary>
public sealed partial class DeviceOptions
{
    /// <summary>Unit id: 1–64 of letters, digits, '-', '_' (it becomes an MQTT topic level).</summary>
    public string Id { get; set; } = "kavach-edge-01";

    /// <summary>Installation mode; only <c>trackside</c> for now (a locomotive mode comes later).</summary>
    public DeviceMode Mode { get; set; } = DeviceMode.Trackside;

    internal void Read(ConfigReader r)
    {
        Id = r.String("Id", Id, allowEmpty: false);
        if (!IdPattern().IsMatch(Id)) r.Error("Id", $"must be 1-64 of letters, digits, '-' or '_' (it becomes an MQTT topic level), got '{Id}'");
        Mode = r.Choice("Mode", Mode, ("trackside", DeviceMode.Trackside));
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();
}
