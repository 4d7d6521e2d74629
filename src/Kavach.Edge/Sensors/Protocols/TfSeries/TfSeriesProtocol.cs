using Kavach.Protocols;

namespace Kavach.Edge.Sensors.Protocols;

/// <summary>
/// tf-series: Benewake TF-series 9-byte frames → LiDAR readings. The model's no-return rules come from the decoder
/// (docs/protocols.md §1); a return weaker than the sensor's configured MinStrength is a no-return too.
/// </summary>
public static class TfSeriesProtocol
{
    private static readonly string[] Variants = ["tf-luna", "tfmini-s", "tfmini-plus", "tf02-pro", "tf03"];

    public static ProtocolEntry Entry { get; } =
        new()
        {
            Name = "tf-series",
            Kinds = [SensorKind.Lidar],
            Connect = static (endpoint, queue, time) => Connection(endpoint.Primary, queue, time),
            OwnKeys = ["Variant"],
            ReadOptions = static (o, r) =>
            {
                if (o.Variant is null)
                    r.Error("Variant", $"is required for tf-series ({string.Join(", ", Variants)})");
                else if (Array.IndexOf(Variants, o.Variant.ToLowerInvariant()) < 0)
                    r.Error("Variant", $"must be one of {string.Join(", ", Variants)}, got '{o.Variant}'");
                return null;
            },
            // Datasheet reach, docs/protocols.md §1 (90 % reflectivity)
            DefaultMaxRangeM = static variant =>
                variant?.ToLowerInvariant() switch
                {
                    "tf-luna" => 8,
                    "tfmini-s" or "tfmini-plus" => 12,
                    "tf02-pro" => 40,
                    _ => 100, // tf03 (TF03-100; a TF03-180 is configured with MaxRangeM 180)
                },
        };

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
