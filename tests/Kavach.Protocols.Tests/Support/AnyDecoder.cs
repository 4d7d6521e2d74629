using System.Text.Json;

namespace Kavach.Protocols.Tests.Support;

/// <summary>The decoders behind one boxing interface, so the case walker and properties treat them alike.</summary>
internal interface IAnyDecoder
{
    DecoderCounters Counters { get; }
    int PendingBytes { get; }
    bool TryRead(ref ReadOnlySpan<byte> input, out object frame);
    object[] LastPoints();
    void Reset();
}

internal static class AnyDecoder
{
    public static readonly string[] Formats = ["tf-series", "ti-mmwave", "ld06", "ops243", "nmea"];

    /// <summary>A decoder for a case folder's format, with the options of its expected.json ("options").</summary>
    public static IAnyDecoder Create(string format, JsonElement options) =>
        format switch
        {
            "tf-series" => new Any<TfFrame>(new TfSeriesDecoder(ParseVariant(Str(options, "variant") ?? "tf-luna"))),
            "ti-mmwave" => Ti(new TiMmwaveDecoder()),
            "ld06" => Ld(
                new Ld06Decoder(Num(options, "corridorStartDeg"), Num(options, "corridorEndDeg"), (byte)Num(options, "minIntensity"))
            ),
            "ops243" => new Any<Ops243Frame>(
                new Ops243Decoder(
                    new Ops243Options
                    {
                        PositiveIsApproaching = Bool(options, "positiveIsApproaching") ?? true,
                        SpeedUnit = Enum.Parse<Ops243SpeedUnit>(Str(options, "speedUnit") ?? nameof(Ops243SpeedUnit.MetersPerSecond)),
                        RangeUnit = Enum.Parse<Ops243RangeUnit>(Str(options, "rangeUnit") ?? nameof(Ops243RangeUnit.Meters)),
                        PlainValueIsRange = Bool(options, "plainValueIsRange") ?? false,
                    }
                )
            ),
            "nmea" => new Any<NmeaFrame>(new NmeaDecoder()),
            _ => throw new ArgumentException($"unknown format folder '{format}'"),
        };

    public static IAnyDecoder Create(string format) => Create(format, default);

    private static TfVariant ParseVariant(string name) =>
        TfVariants.TryParse(name, out var v) ? v : throw new ArgumentException($"unknown variant '{name}'");

    private static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) ? v.GetString() : null;

    private static float Num(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) ? v.GetSingle() : 0f;

    private static bool? Bool(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) ? v.GetBoolean() : null;

    /// <summary>Any decoder through the shell they share (<see cref="StreamDecoder{TFrame}"/>), frames boxed.</summary>
    private sealed class Any<TFrame>(StreamDecoder<TFrame> d, Func<object[]>? points = null) : IAnyDecoder
        where TFrame : struct
    {
        public DecoderCounters Counters => d.Counters;
        public int PendingBytes => d.PendingBytes;

        public bool TryRead(ref ReadOnlySpan<byte> input, out object frame)
        {
            var ok = d.TryRead(ref input, out var f);
            frame = f;
            return ok;
        }

        public object[] LastPoints() => points?.Invoke() ?? [];

        public void Reset() => d.Reset();
    }

    private static Any<MmwaveFrame> Ti(TiMmwaveDecoder d) => new(d, () => d.LastPoints.ToArray().Select(p => (object)p).ToArray());

    private static Any<Ld06Frame> Ld(Ld06Decoder d) => new(d, () => d.LastPoints.ToArray().Select(p => (object)p).ToArray());
}

/// <summary>Feeding helpers.</summary>
internal static class Feed
{
    /// <summary>Feeds <paramref name="data"/> in chunks of <paramref name="chunk"/> bytes (0 = all at once), looping
    /// TryRead until false per chunk, and returns the frames with the points seen after each.</summary>
    public static List<(object Frame, object[] Points)> All(IAnyDecoder decoder, ReadOnlySpan<byte> data, int chunk = 0)
    {
        var frames = new List<(object, object[])>();
        if (chunk <= 0)
            chunk = Math.Max(1, data.Length);
        for (var i = 0; i < data.Length; i += chunk)
        {
            var input = data.Slice(i, Math.Min(chunk, data.Length - i));
            while (decoder.TryRead(ref input, out var frame))
                frames.Add((frame, decoder.LastPoints()));
            Assert.True(input.IsEmpty, "TryRead returned false with input left");
        }

        return frames;
    }

    /// <summary>Feeds <paramref name="data"/> split at the given cut points.</summary>
    public static List<object> Split(IAnyDecoder decoder, byte[] data, IEnumerable<int> cuts)
    {
        var frames = new List<object>();
        var previous = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < data.Length).Distinct().Order().Append(data.Length))
        {
            ReadOnlySpan<byte> input = data.AsSpan(previous, cut - previous);
            while (decoder.TryRead(ref input, out var frame))
                frames.Add(frame);
            Assert.True(input.IsEmpty);
            previous = cut;
        }

        return frames;
    }
}
