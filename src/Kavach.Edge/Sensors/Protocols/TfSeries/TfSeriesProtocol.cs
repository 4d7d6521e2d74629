using Kavach.Protocols;

namespace Kavach.Edge.Sensors.Protocols;

/// <summary>
/// tf-series: Benewake TF-series 9-byte frames → LiDAR readings. The model's no-return rules come from the decoder
/// (docs/protocols.md §1); a return weaker than the sensor's configured MinStrength is a no-return too.
/// </summary>
public static class TfSeriesProtocol
{
    /// <summary>A connection of <paramref name="sensor"/>: a decoder for its Variant and its MinStrength gate.</summary>
    public static FrameConnection<TfFrame> Connection(SensorState sensor, ReadingQueue queue, TimeProvider time)
    {
        if (!TfVariants.TryParse(sensor.Options.Variant, out var variant))
            throw new ArgumentException($"sensor {sensor.Name}: unknown tf-series variant '{sensor.Options.Variant}'");
        var minStrength = (float)sensor.Options.MinStrength;
        return new FrameConnection<TfFrame>(sensor, queue, time, new TfSeriesDecoder(variant), (in TfFrame f, long _, ref Reading r) =>
        {
            r.NoReturn = f.NoReturn || f.Strength < minStrength;
            r.DistanceM = r.NoReturn ? float.NaN : f.DistanceM;
            r.Strength = f.Strength;
            return r.NoReturn && !f.NoReturn ? FrameUse.GatedNoReturn : FrameUse.Reading;
        });
    }
}
