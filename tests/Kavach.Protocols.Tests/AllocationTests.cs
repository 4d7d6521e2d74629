namespace Kavach.Protocols.Tests;

/// <summary>Steady-state decoding allocates nothing (the daemon decodes at up to 10 kHz on a small board).</summary>
public sealed class AllocationTests
{
    [Fact]
    public void Decoders_allocate_nothing_per_frame()
    {
        var tf = new byte[9 * 1000];
        for (var i = 0; i < 1000; i++)
            TfSeriesEncoder.Encode(tf.AsSpan(i * 9), (ushort)i, 500, 40f);
        var ld = new byte[47 * 200];
        var points = new Ld06Point[12];
        for (var i = 0; i < 200; i++)
            Ld06Encoder.Encode(ld.AsSpan(i * 47), 2000, (ushort)(i * 100), (ushort)(i * 100 + 900), (ushort)i, points);
        var mmPoints = new[] { new MmwavePoint(1f, 2f, 0f, -1f), new MmwavePoint(0f, 5f, 0f, 1f) };
        var side = new[] { new MmwaveSideInfo(100, 20), new MmwaveSideInfo(200, 20) };
        var len = TiMmwaveEncoder.MaxFrameLength(2);
        var ti = new byte[len * 100];
        for (var i = 0; i < 100; i++)
            TiMmwaveEncoder.Encode(ti.AsSpan(i * len), (uint)i, mmPoints, side);
        var ops = "1.25\r\n{\"speed\":0.58, \"direction\":\"inbound\", \"time\":105}\r\n12.5, -3.0\r\n"u8.ToArray();

        var tfDecoder = new TfSeriesDecoder(TfVariant.TfLuna);
        var ldDecoder = new Ld06Decoder(350f, 10f, 20);
        var tiDecoder = new TiMmwaveDecoder();
        var opsDecoder = new Ops243Decoder();
        Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void Run()
        {
            for (var chunk = 1; chunk <= 64; chunk *= 4)
            {
                for (var i = 0; i < tf.Length; i += chunk)
                {
                    ReadOnlySpan<byte> input = tf.AsSpan(i, Math.Min(chunk, tf.Length - i));
                    while (tfDecoder.TryRead(ref input, out _)) { }
                }

                ReadOnlySpan<byte> a = ld;
                while (ldDecoder.TryRead(ref a, out _)) { }
                ReadOnlySpan<byte> b = ti;
                while (tiDecoder.TryRead(ref b, out _)) { }
                ReadOnlySpan<byte> c = ops;
                while (opsDecoder.TryRead(ref c, out _)) { }
            }
        }
    }
}
