namespace Kavach.Protocols;

/// <summary>Benewake TF-series model: selects the invalid-reading rules (PROTOCOLS.md §1).</summary>
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

/// <summary>Config names of <see cref="TfVariant"/>.</summary>
public static class TfVariants
{
    /// <summary>The config name (<c>tf-luna</c>, <c>tfmini-s</c>, <c>tfmini-plus</c>, <c>tf02-pro</c>, <c>tf03</c>).</summary>
    public static string Name(TfVariant variant) => variant switch
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
public readonly record struct TfFrame
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
