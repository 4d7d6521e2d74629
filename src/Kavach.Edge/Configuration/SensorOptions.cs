using Kavach.Edge.Sensors.Protocols;
using Kavach.Protocols;

namespace Kavach.Edge.Configuration;

/// <summary>One entry of the <c>Sensors</c> array.</summary>
public sealed class SensorOptions
{
    /// <summary>Unique name (logs, health, metrics).</summary>
    public string Name { get; set; } = "";

    /// <summary>Role in fusion.</summary>
    public SensorKind Kind { get; set; }

    /// <summary>Wire format: an entry of the <see cref="ProtocolRegistry"/> the configuration was read with.</summary>
    public ProtocolEntry Protocol { get; set; } = JsonLinesProtocol.Entry;

    /// <summary>Model within a protocol family (tf-series: tf-luna, tfmini-s, tfmini-plus, tf02-pro, tf03).</summary>
    public string? Variant { get; set; }

    /// <summary>The options object of a protocol that keeps its own (its entry's <see cref="ProtocolEntry.ReadOptions"/>); null for the
    /// built-in ones.</summary>
    public object? ProtocolOptions { get; set; }

    /// <summary>How the bytes arrive.</summary>
    public TransportOptions Transport { get; set; } = new();

    /// <summary>No decodable frame for longer than this makes the sensor stale.</summary>
    public int TimeoutMs { get; set; } = 2000;

    /// <summary>The same measured value repeated for longer than this (while a live sensor would vary) counts as stale; 0 = off.</summary>
    public int FrozenMs { get; set; }

    /// <summary>A stale required sensor is FAULT; an optional one only degrades. Default true, except for a gnss sensor
    /// (false): its silence is the own speed's named degradation (<c>SpeedTrust.Stale</c>), not a FAULT (docs/locomotive.md).</summary>
    public bool Required { get; set; } = true;

    /// <summary>Camera: the metres that the normalised visibility 1.0 stands for.</summary>
    public double FullScaleM { get; set; } = 2000;

    /// <summary>LiDAR: clear-air baseline, the return strength of a typical target at <see cref="BaselineRangeM"/> (0 = not
    /// commissioned).</summary>
    public double BaselineStrength { get; set; }

    /// <summary>LiDAR: the range the baseline strength was taken at.</summary>
    public double BaselineRangeM { get; set; } = 50;

    /// <summary>LiDAR: the weakest strength the sensor still reports as a return (default per model: TF03 40, TF02-Pro 60, TF-Luna/TFmini
    /// 100).</summary>
    public double MinStrength { get; set; } = 40;

    /// <summary>LiDAR: the strength at which the sensor saturates (TF03: 3500; other TF models: 65535).</summary>
    public double MaxStrength { get; set; } = 65535;

    /// <summary>LiDAR: the farthest range the sensor measures (datasheet reach: tf-luna 8, tfmini-s/tfmini-plus 12,
    /// tf02-pro 40, tf03 100 — set 180 for a TF03-180 —, ld06 12; json-lines: 0 = unknown, no limit assumed).
    /// A radar target beyond it is one the LiDAR could not see in clear air either, so its absence from the
    /// LiDAR says nothing about fog (no visibility bound is drawn from it).</summary>
    public double MaxRangeM { get; set; }

    /// <summary>ld06: the angular corridor that looks along the track, clockwise from start to end, degrees
    /// (may wrap through 0; equal ends = the full circle). Only returns inside it become readings.</summary>
    public double CorridorStartDeg { get; set; }

    /// <summary>ld06: end of the corridor, degrees.</summary>
    public double CorridorEndDeg { get; set; }

    /// <summary>ld06: points weaker than this intensity (0–255) are not returns.</summary>
    public int MinIntensity { get; set; }

    /// <summary>ops243: a positive number (a line without "direction") means approaching; the sensor's
    /// convention and the mounting decide it (docs/protocols.md §4).</summary>
    public bool PositiveIsApproaching { get; set; } = true;

    /// <summary>ops243: the speed unit the sensor is set to (UM, UK, US, UF, UC).</summary>
    public Ops243SpeedUnit SpeedUnit { get; set; } = Ops243SpeedUnit.MetersPerSecond;

    /// <summary>ti-mmwave: serial path of the radar's CLI port (115200 baud); with <see cref="ConfigFile"/> the
    /// radar is configured at connect and again after a silence longer than <see cref="TimeoutMs"/>. Null = not configured by us.</summary>
    public string? ConfigPort { get; set; }

    /// <summary>ti-mmwave: a .cfg file of CLI lines ('%' comments skipped) sent to <see cref="ConfigPort"/>.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>ti-mmwave: detected points weaker than this SNR (dB) are clutter, not targets (points without side info are
    /// kept).</summary>
    public double MinSnrDb { get; set; } = 15;

    /// <summary>
    /// A cab's radar with angles (ti-mmwave): report the nearest target within this distance either side of the
    /// boresight, m (0: the nearest anywhere in view, as on a post). Not a key: set from <c>Train.CorridorHalfWidthM</c> on a
    /// locomotive unit, where the nearest target in view is a mast or a platform beside the line most of the time and
    /// would hide an obstacle on the track behind it (docs/locomotive.md).
    /// </summary>
    public double LateralGateM { get; set; }

    /// <param name="mode">The unit's <c>Device.Mode</c>: a gnss sensor belongs to a locomotive unit only.</param>
    internal void Read(ConfigReader r, List<string> names, ProtocolRegistry protocols, DeviceMode mode = DeviceMode.Trackside)
    {
        Name = r.String("Name", "");
        if (Name.Length == 0)
            r.Error("Name", "is required");
        else if (names.Contains(Name, StringComparer.OrdinalIgnoreCase))
            r.Error("Name", $"'{Name}' is used by another sensor; names must be unique");
        names.Add(Name);

        if (!r.Has("Kind"))
            r.Error("Kind", "is required (lidar, radar or camera)");
        Kind = r.Choice(
            "Kind",
            SensorKind.Unspecified,
            ("lidar", SensorKind.Lidar),
            ("radar", SensorKind.Radar),
            ("camera", SensorKind.Camera),
            ("gnss", SensorKind.Gnss)
        );
        if (Kind == SensorKind.Gnss && mode != DeviceMode.Locomotive)
            r.Error(
                "Kind",
                "gnss (the train's own speed) is for Device.Mode locomotive; this unit is trackside: set Device.Mode to locomotive, or remove this sensor"
            );
        Protocol = r.Choice("Protocol", Protocol, protocols.All.Select(p => (p.Name, p)).ToArray());
        Variant = r.OptionalString("Variant");
        TimeoutMs = r.Int("TimeoutMs", TimeoutMs, 50, 600_000);
        FrozenMs = r.Int("FrozenMs", Kind is SensorKind.Camera or SensorKind.Gnss ? 0 : 5000, 0, 3_600_000);
        // A standing train repeats speed 0 bit for bit: a frozen check would call it stuck. Silence is the tracker's Stale.
        if (Kind == SensorKind.Gnss && r.Has("FrozenMs"))
            r.Error("FrozenMs", "does not apply to gnss sensors (a standing train repeats its speed; silence shows as the speed's Stale)");
        Required = r.Bool("Required", Kind != SensorKind.Gnss);
        if (Kind == SensorKind.Camera || r.Has("FullScaleM"))
            FullScaleM = r.Double("FullScaleM", FullScaleM, 10, 100_000);
        BaselineStrength = r.Double("BaselineStrength", BaselineStrength, 0, 1_000_000);
        BaselineRangeM = r.Double("BaselineRangeM", BaselineRangeM, 0.1, 10_000);
        MinStrength = r.Double("MinStrength", DefaultMinStrength(Variant), 0, 1_000_000);
        MaxStrength = r.Double(
            "MaxStrength",
            string.Equals(Variant, "tf03", StringComparison.OrdinalIgnoreCase) ? 3500 : 65535,
            1,
            1_000_000
        );
        if (Kind != SensorKind.Lidar && r.Has("MaxStrength"))
            r.Error("MaxStrength", "applies to lidar sensors only");
        MaxRangeM = r.Double("MaxRangeM", Kind == SensorKind.Lidar ? Protocol.DefaultMaxRangeM(Variant) : 0, 0, 10_000);
        // a cab's radar states its reach too: the stop-within-sight speed is computed from the sensors' reach
        if (Kind != SensorKind.Lidar && r.Has("MaxRangeM") && !(Kind == SensorKind.Radar && mode == DeviceMode.Locomotive))
            r.Error(
                "MaxRangeM",
                Kind == SensorKind.Radar
                    ? "applies to lidar sensors, and to radar sensors of a locomotive unit"
                    : "applies to lidar sensors only"
            );
        if (MaxStrength <= MinStrength)
            r.Error("MaxStrength", $"must be above MinStrength ({MinStrength})");
        if (Kind != SensorKind.Camera && r.Has("FullScaleM"))
            r.Error("FullScaleM", "applies to camera sensors only");
        if (Kind != SensorKind.Lidar && r.Has("BaselineStrength"))
            r.Error("BaselineStrength", "applies to lidar sensors only");
        if (Kind != SensorKind.Lidar && r.Has("MinStrength"))
            r.Error("MinStrength", "applies to lidar sensors only");
        if (Kind == SensorKind.Gnss && r.Has("BaselineRangeM"))
            r.Error("BaselineRangeM", "applies to lidar sensors only");

        if (Kind != SensorKind.Unspecified && !Protocol.Serves(Kind))
            r.Error(
                "Protocol",
                $"'{Protocol.Name}' is a {string.Join(" or ", Protocol.Kinds.Select(k => k.ToString().ToLowerInvariant()))} protocol, but Kind is {Kind.ToString().ToLowerInvariant()}"
            );

        ReadProtocolKeys(r, protocols);

        if (!r.Has("Transport"))
            r.Error("Transport", "is required");
        r.Section("Transport", t => Transport.Read(t));
    }

    // Keys of one protocol only (its entry's OwnKeys): each is refused on the others, naming the key; then the
    // protocol's own checks.
    private void ReadProtocolKeys(ConfigReader r, ProtocolRegistry protocols)
    {
        foreach (var other in protocols.All)
        {
            if (other == Protocol)
                continue;
            foreach (var key in other.OwnKeys)
            {
                if (!r.Has(key))
                    continue;
                r.Error(key, $"applies to {other.Name} sensors only");
                r.Seen(key); // said once, not again as an unknown key
            }
        }
        MinSnrDb = r.Double("MinSnrDb", MinSnrDb, -20, 100);

        CorridorStartDeg = r.Double("CorridorStartDeg", CorridorStartDeg, 0, 360);
        CorridorEndDeg = r.Double("CorridorEndDeg", CorridorEndDeg, 0, 360);
        MinIntensity = r.Int("MinIntensity", MinIntensity, 0, 255);

        PositiveIsApproaching = r.Bool("PositiveIsApproaching", PositiveIsApproaching);
        SpeedUnit = r.Choice(
            "SpeedUnit",
            SpeedUnit,
            ("m/s", Ops243SpeedUnit.MetersPerSecond),
            ("km/h", Ops243SpeedUnit.KilometersPerHour),
            ("mph", Ops243SpeedUnit.MilesPerHour),
            ("ft/s", Ops243SpeedUnit.FeetPerSecond),
            ("cm/s", Ops243SpeedUnit.CentimetersPerSecond)
        );

        ConfigPort = r.OptionalString("ConfigPort");
        ConfigFile = r.OptionalString("ConfigFile");
        ProtocolOptions = Protocol.ReadOptions?.Invoke(this, r);
    }

    // Strength floors from docs/protocols.md §1 (Benewake manuals): below these the sensor reports no return.
    private static double DefaultMinStrength(string? variant) =>
        variant?.ToLowerInvariant() switch
        {
            "tf-luna" or "tfmini-s" or "tfmini-plus" => 100,
            "tf02-pro" => 60,
            _ => 40, // TF03, and JSON-lines LiDARs unless configured
        };
}
