using Kavach.Protocols;

namespace Kavach.Simulation;

/// <summary>The kebab-case names of the simulator's choices, as scenario files and the CLI spell them.</summary>
public static class SimNames
{
    private static readonly (string Name, SensorKind Value)[] Kinds =
    [
        ("lidar", SensorKind.Lidar),
        ("radar", SensorKind.Radar),
        ("camera", SensorKind.Camera),
        ("gnss", SensorKind.Gnss),
    ];

    private static readonly (string Name, SimProtocol Value)[] Protocols = [.. SimFormats.All.Select(f => (f.Name, f.Protocol))];

    private static readonly (string Name, SensorVariant Value)[] Variants =
    [
        ("tf03", SensorVariant.Tf03),
        ("tf03-180", SensorVariant.Tf03Long),
        ("tf-luna", SensorVariant.TfLuna),
        ("tfmini-s", SensorVariant.TfminiS),
        ("tfmini-plus", SensorVariant.TfminiPlus),
        ("tf02-pro", SensorVariant.Tf02Pro),
        ("ld06", SensorVariant.Ld06),
        ("awr1843", SensorVariant.Awr1843),
        ("iwr6843", SensorVariant.Iwr6843),
        ("ops243", SensorVariant.Ops243),
        ("normalised", SensorVariant.CameraNormalised),
        ("metres", SensorVariant.CameraMetres),
        ("ublox", SensorVariant.Ublox),
    ];

    private static readonly (string Name, FaultType Value)[] Faults =
    [
        ("garbage", FaultType.Garbage),
        ("bad-checksum", FaultType.BadChecksum),
        ("truncated", FaultType.Truncated),
        ("dropout", FaultType.Dropout),
        ("stuck", FaultType.Stuck),
        ("silent", FaultType.Silent),
        ("no-fix", FaultType.NoFix),
    ];

    private static readonly (string Name, Platform Value)[] Platforms =
    [
        ("trackside", Platform.Trackside),
        ("locomotive", Platform.Locomotive),
    ];

    private static readonly (string Name, CurveDirection Value)[] Directions =
    [
        ("left", CurveDirection.Left),
        ("right", CurveDirection.Right),
    ];

    private static readonly (string Name, NmeaTalker Value)[] Talkers =
    [
        ("gp", NmeaTalker.Gps),
        ("gn", NmeaTalker.Combined),
        ("gl", NmeaTalker.Glonass),
        ("ga", NmeaTalker.Galileo),
        ("gb", NmeaTalker.BeiDou),
        ("gi", NmeaTalker.NavIC),
        ("gq", NmeaTalker.Qzss),
    ];

    private static readonly (string Name, ExpectedRisk Value)[] Risks =
    [
        ("low", ExpectedRisk.Low),
        ("medium", ExpectedRisk.Medium),
        ("high", ExpectedRisk.High),
        ("fault", ExpectedRisk.Fault),
    ];

    /// <summary>Name of a sensor kind.</summary>
    public static string Name(SensorKind kind) => NameOf(Kinds, kind);

    /// <summary>Name of a protocol.</summary>
    public static string Name(SimProtocol protocol) => NameOf(Protocols, protocol);

    /// <summary>Name of a variant.</summary>
    public static string Name(SensorVariant variant) => variant == SensorVariant.Default ? "default" : NameOf(Variants, variant);

    /// <summary>Name of a fault type.</summary>
    public static string Name(FaultType fault) => fault == FaultType.None ? "none" : NameOf(Faults, fault);

    /// <summary>Name of an expected risk level.</summary>
    public static string Name(ExpectedRisk risk) => NameOf(Risks, risk);

    /// <summary>Name of a platform.</summary>
    public static string Name(Platform platform) => NameOf(Platforms, platform);

    internal static bool TryParse(string? s, out SensorKind v) => TryParseOf(Kinds, s, out v);

    internal static bool TryParse(string? s, out SimProtocol v) => TryParseOf(Protocols, s, out v);

    internal static bool TryParse(string? s, out SensorVariant v) => TryParseOf(Variants, s, out v);

    internal static bool TryParse(string? s, out FaultType v) => TryParseOf(Faults, s, out v);

    internal static bool TryParse(string? s, out ExpectedRisk v) => TryParseOf(Risks, s, out v);

    internal static bool TryParse(string? s, out Platform v) => TryParseOf(Platforms, s, out v);

    internal static bool TryParse(string? s, out CurveDirection v) => TryParseOf(Directions, s, out v);

    internal static bool TryParse(string? s, out NmeaTalker v) => TryParseOf(Talkers, s, out v);

    internal static string AllKinds => string.Join(", ", Kinds.Select(k => k.Name));
    internal static string AllProtocols => string.Join(", ", Protocols.Select(k => k.Name));
    internal static string AllVariants => string.Join(", ", Variants.Select(k => k.Name));
    internal static string AllFaults => string.Join(", ", Faults.Select(k => k.Name));
    internal static string AllRisks => string.Join(", ", Risks.Select(k => k.Name));
    internal static string AllPlatforms => string.Join(", ", Platforms.Select(k => k.Name));
    internal static string AllDirections => string.Join(", ", Directions.Select(k => k.Name));
    internal static string AllTalkers => string.Join(", ", Talkers.Select(k => k.Name));

    /// <summary>Whether <paramref name="protocol"/> can carry a sensor of <paramref name="kind"/>.</summary>
    public static bool ProtocolFits(SensorKind kind, SimProtocol protocol) =>
        SimFormats.All.Any(f => f.Protocol == protocol && f.Kinds.Contains(kind));

    /// <summary>Whether <paramref name="variant"/> models a sensor of <paramref name="kind"/> speaking
    /// <paramref name="protocol"/>.</summary>
    public static bool VariantFits(SensorKind kind, SimProtocol protocol, SensorVariant variant) =>
        variant switch
        {
            SensorVariant.Default => true,
            SensorVariant.Ld06 => kind == SensorKind.Lidar && protocol is SimProtocol.Ld06 or SimProtocol.JsonLines,
            SensorVariant.Tf03
            or SensorVariant.Tf03Long
            or SensorVariant.TfLuna
            or SensorVariant.TfminiS
            or SensorVariant.TfminiPlus
            or SensorVariant.Tf02Pro => kind == SensorKind.Lidar && protocol is SimProtocol.TfSeries or SimProtocol.JsonLines,
            SensorVariant.Awr1843 or SensorVariant.Iwr6843 => kind == SensorKind.Radar
                && protocol is SimProtocol.TiMmwave or SimProtocol.JsonLines,
            SensorVariant.Ops243 => kind == SensorKind.Radar && protocol is SimProtocol.Ops243 or SimProtocol.JsonLines,
            SensorVariant.CameraNormalised or SensorVariant.CameraMetres => kind == SensorKind.Camera,
            SensorVariant.Ublox => kind == SensorKind.Gnss,
            _ => false,
        };

    /// <summary>The variant used when a scenario gives none.</summary>
    public static SensorVariant DefaultVariant(SensorKind kind, SimProtocol protocol) =>
        kind switch
        {
            SensorKind.Lidar => protocol == SimProtocol.Ld06 ? SensorVariant.Ld06 : SensorVariant.Tf03,
            SensorKind.Radar => protocol == SimProtocol.Ops243 ? SensorVariant.Ops243 : SensorVariant.Awr1843,
            SensorKind.Gnss => SensorVariant.Ublox,
            _ => SensorVariant.CameraNormalised,
        };

    private static string NameOf<T>((string Name, T Value)[] table, T value)
        where T : struct, Enum
    {
        foreach (var (name, v) in table)
            if (EqualityComparer<T>.Default.Equals(v, value))
                return name;
        return value.ToString();
    }

    private static bool TryParseOf<T>((string Name, T Value)[] table, string? s, out T value)
        where T : struct
    {
        foreach (var (name, v) in table)
        {
            if (string.Equals(name, s, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }
}
