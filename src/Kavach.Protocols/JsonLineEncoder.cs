using System.Globalization;

namespace Kavach.Protocols;

/// <summary>
/// Writes sensor JSON lines in the original design's format (see <see cref="JsonLineFrame"/>), one
/// '\n'-terminated line per call, into the caller's buffer. Returns the byte count, or 0 when
/// <c>dest</c> is too small (<see cref="MaxLineLength"/> always suffices). Allocation-free.
/// </summary>
public static class JsonLineEncoder
{
    /// <summary>A buffer of this size holds any line these methods write.</summary>
    public const int MaxLineLength = 160;

    /// <summary>LiDAR line; <paramref name="distanceM"/> null = no return (written as "distance":null).</summary>
    public static int WriteLidar(Span<byte> dest, float? distanceM, float confidence, float? strength)
    {
        var w = new Writer(dest);
        w.Raw("{\"sensor\":\"lidar\",\"distance\":"u8);
        w.Number(distanceM);
        w.Raw(",\"c\":"u8);
        w.Number(confidence);
        if (strength is { } s)
        {
            w.Raw(",\"strength\":"u8);
            w.Number(s);
        }
        w.Raw("}\n"u8);
        return w.Result;
    }

    /// <summary>Radar line; <paramref name="rangeM"/> null = no target.</summary>
    public static int WriteRadar(Span<byte> dest, float? rangeM, float? closingSpeedMps, float? snrDb, int targets)
    {
        var w = new Writer(dest);
        w.Raw("{\"sensor\":\"radar\",\"speed\":"u8);
        w.Number(closingSpeedMps);
        w.Raw(",\"range\":"u8);
        w.Number(rangeM);
        if (snrDb is { } snr)
        {
            w.Raw(",\"snr\":"u8);
            w.Number(snr);
        }
        w.Raw(",\"targets\":"u8);
        w.Number(targets);
        w.Raw("}\n"u8);
        return w.Result;
    }

    /// <summary>Camera line with the original design's normalised visibility (0–1, 1 = clear).</summary>
    public static int WriteCamera(Span<byte> dest, float visibilityNormalised)
    {
        var w = new Writer(dest);
        w.Raw("{\"sensor\":\"camera\",\"visibility\":"u8);
        w.Number(visibilityNormalised);
        w.Raw("}\n"u8);
        return w.Result;
    }

    /// <summary>Camera line with visibility in metres ("visibility_m").</summary>
    public static int WriteCameraMetres(Span<byte> dest, float visibilityM)
    {
        var w = new Writer(dest);
        w.Raw("{\"sensor\":\"camera\",\"visibility_m\":"u8);
        w.Number(visibilityM);
        w.Raw("}\n"u8);
        return w.Result;
    }

    private ref struct Writer(Span<byte> dest)
    {
        private readonly Span<byte> _dest = dest;
        private int _pos;
        private bool _failed;

        public readonly int Result => _failed ? 0 : _pos;

        public void Raw(ReadOnlySpan<byte> bytes)
        {
            if (_failed || !bytes.TryCopyTo(_dest[_pos..]))
            {
                _failed = true;
                return;
            }
            _pos += bytes.Length;
        }

        public void Number(float? value)
        {
            if (value is not { } v || !float.IsFinite(v))
            {
                Raw("null"u8);
                return;
            }
            if (_failed || !v.TryFormat(_dest[_pos..], out var n, "R", CultureInfo.InvariantCulture))
            {
                _failed = true;
                return;
            }
            _pos += n;
        }

        public void Number(int value)
        {
            if (_failed || !value.TryFormat(_dest[_pos..], out var n, default, CultureInfo.InvariantCulture))
            {
                _failed = true;
                return;
            }
            _pos += n;
        }
    }
}
