namespace Kavach.Protocols;

/// <summary>Benewake TF-series model: selects the invalid-reading rules (docs/protocols.md §1).</summary>
public enum TfVariant
{
    /// <summary>TF-Luna, 0.2–8 m. Config name <c>tf-luna</c>.</summary>
    TfLuna = 0,

    /// <summary>TFmini-S, 0.1–12 m. Config name <c>tfmini-s</c>.</summary>
    TfminiS = 1,

    /// <summary>TFmini Plus, 0.1–12 m. Config name <c>tfmini-plus</c>.</summary>
    TfminiPlus = 2,

    /// <summary>TF02-Pro, up to 40 m. Config name <c>tf02-pro</c>.</summary>
    Tf02Pro = 3,

    /// <summary>TF03, 0.1–180 m. Config name <c>tf03</c>.</summary>
    Tf03 = 4,
}

/// <summary>
/// Each TF model's "no valid return" signals (docs/protocols.md §1 table, from each model's manual): one definition, read
/// by the decoder (which recognises them) and by the simulator (which sends them).
/// </summary>
public static class TfNoReturn
{
    /// <summary>TF-Luna: strength below 100 is unreliable; 0xFFFF is overexposure. Its distance has no sentinel.</summary>
    public const ushort TfLunaMinStrength = 100;
    public const ushort TfLunaOverexposed = 0xFFFF;

    /// <summary>TFmini-S: distance −1 (0xFFFF) when strength ≤ 100, −2 signal saturation, −4 ambient saturation.</summary>
    public const ushort TfminiSWeakCm = 0xFFFF;
    public const ushort TfminiSSignalSaturatedCm = 0xFFFE;
    public const ushort TfminiSAmbientSaturatedCm = 0xFFFC;

    /// <summary>TFmini Plus: distance 0 when strength &lt; 100 or = 65535 (the threshold is configurable on the
    /// sensor, so the distance it sends is what counts).</summary>
    public const ushort TfminiPlusNoTargetCm = 0;

    /// <summary>TF02-Pro: below strength 60 the distance is sent as 4500 cm (a 4500 cm reading at strength ≥ 60 is real).</summary>
    public const ushort Tf02ProMinStrength = 60;
    public const ushort Tf02ProNoReturnCm = 4500;

    /// <summary>TF03: strength threshold 40; 18000 cm and above is out of range (ArduPilot's maximum; UNCONFIRMED as a sentinel).</summary>
    public const ushort Tf03MinStrength = 40;
    public const ushort Tf03MaxDistanceCm = 18000;

    /// <summary>The distance field <paramref name="variant"/> sends when it has no return (TF-Luna: 0, its strength says it).</summary>
    public static ushort DistanceCm(TfVariant variant) =>
        variant switch
        {
            TfVariant.TfminiS => TfminiSWeakCm,
            TfVariant.TfminiPlus => TfminiPlusNoTargetCm,
            TfVariant.Tf02Pro => Tf02ProNoReturnCm,
            TfVariant.Tf03 => Tf03MaxDistanceCm,
            _ => 0,
        };
}

/// <summary>Config names of <see cref="TfVariant"/>.</summary>
public static class TfVariants
{
    /// <summary>The config name (<c>tf-luna</c>, <c>tfmini-s</c>, <c>tfmini-plus</c>, <c>tf02-pro</c>, <c>tf03</c>).</summary>
    public static string Name(TfVariant variant) =>
        variant switch
        {
            TfVariant.TfLuna => "tf-luna",
            TfVariant.TfminiS => "tfmini-s",
            TfVariant.TfminiPlus => "tfmini-plus",
            TfVariant.Tf02Pro => "tf02-pro",
            TfVariant.Tf03 => "tf03",
            _ => "unknown",
        };

    /// <summary>Parses a config name (ASCII case-insensitive, surrounding blanks ignored).</summary>
    public static bool TryParse(ReadOnlySpan<char> name, out TfVariant variant)
    {
        name = name.Trim();
        for (var v = TfVariant.TfLuna; v <= TfVariant.Tf03; v++)
        {
            if (name.Equals(Name(v), StringComparison.OrdinalIgnoreCase))
            {
                variant = v;
                return true;
            }
        }

        variant = default;
        return false;
    }
}

/// <summary>One decoded TF-series 9-byte frame.</summary>
public readonly record struct TfFrame : IDecodedFrame
{
    /// <summary>Distance as sent, unsigned (cm in the default output mode; sentinels included).</summary>
    public ushort DistanceRaw { get; init; }

    /// <summary>Signal strength ("amp") as sent.</summary>
    public ushort Strength { get; init; }

    /// <summary>Distance in metres (raw cm / 100); NaN when <see cref="NoReturn"/>.</summary>
    public float DistanceM { get; init; }

    /// <summary>Sensor temperature, °C = raw/8 − 256; NaN on the TF03, where the field is reserved.</summary>
    public float TemperatureC { get; init; }

    /// <summary>The frame is well formed but the model's rules say it carries no valid return.</summary>
    public bool NoReturn { get; init; }
}
