using System.Text.RegularExpressions;

namespace Kavach.Edge.Configuration;

/// <summary>Where the unit stands and what it is called.</summary>
public enum DeviceMode
{
    /// <summary>A fixed sensor post guarding a protected zone (level crossing, track section).</summary>
    Trackside,

    /// <summary>A unit in a locomotive cab looking ahead (docs/locomotive.md). Its braking model, stop-within-sight speed
    /// and gnss sensors (own speed into fusion) exist; the locomotive risk is not wired yet, so the daemon refuses to run it.</summary>
    Locomotive,
}

/// <summary><c>Device</c> section.</summary>
public sealed partial class DeviceOptions
{
    /// <summary>Longest id: it becomes the MQTT client id and a topic level (<c>kavach/&lt;Id&gt;/…</c>).</summary>
    public const int MaxIdLength = 64;

    /// <summary>
    /// Unit id: 1–64 of letters, digits, '-', '_' (it becomes the MQTT client id and a topic level).
    /// Required, with no default: two units sharing one id take each other's MQTT session, status,
    /// commands and seq series, so every unit must be named on purpose (the package leaves it empty).
    /// </summary>
    public string Id { get; set; } = "";

    /// <summary>Installation mode: <c>trackside</c> (default) or <c>locomotive</c> (which needs a Train section).</summary>
    public DeviceMode Mode { get; set; } = DeviceMode.Trackside;

    internal void Read(ConfigReader r)
    {
        var before = r.Errors.Count;
        Id = r.String("Id", "", allowEmpty: false);
        if (Id.Length == 0)
        {
            if (r.Errors.Count == before) // absent (an empty value already has its own line)
                r.Error(
                    "Id",
                    "is required: a name unique to this unit, 1-64 of letters, digits, '-' or '_' (it becomes the MQTT client id and topic level), e.g. \"lc-47-east\""
                );
        }
        else if (!IdPattern().IsMatch(Id))
            r.Error(
                "Id",
                $"must be 1-{MaxIdLength} of letters, digits, '-' or '_' (it becomes an MQTT topic level), got '{Id}'{(Id.Length > MaxIdLength ? $" ({Id.Length} characters)" : "")}"
            );
        Mode = r.Choice("Mode", Mode, ("trackside", DeviceMode.Trackside), ("locomotive", DeviceMode.Locomotive));
    }

    /// <summary>The configuration name of a mode.</summary>
    public static string ModeName(DeviceMode mode) => mode == DeviceMode.Locomotive ? "locomotive" : "trackside";

    // \z, not $: "$" also matches before a trailing newline, which would let "id\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex IdPattern();
}
