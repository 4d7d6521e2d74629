namespace Kavach.Simulation;

/// <summary>
/// Decides which fault, if any, a frame gets (from the sensor's fault windows) and corrupts encoded bytes.
/// Its random stream is separate from the physics one, so adding a fault window leaves the physics unchanged.
/// </summary>
internal sealed class FaultInjector(IReadOnlyList<FaultWindow> windows, ulong seed)
{
    // When several windows fire on one frame, the most severe wins.
    private static readonly FaultType[] Precedence =
    [
        FaultType.Silent,
        FaultType.Dropout,
        FaultType.Stuck,
        FaultType.NoFix,
        FaultType.Truncated,
        FaultType.BadChecksum,
        FaultType.Garbage,
    ];

    private readonly SimRandom _rng = new(seed);

    public FaultType Decide(double tS)
    {
        if (windows.Count == 0)
            return FaultType.None;
        Span<bool> fired = stackalloc bool[Precedence.Length + 1];
        foreach (var w in windows)
        {
            var roll = _rng.NextDouble(); // drawn for every window, so the stream does not depend on which are active
            if (tS >= w.FromS && tS < w.ToS && roll < w.Probability)
                fired[(int)w.Type] = true;
        }
        foreach (var f in Precedence)
            if (fired[(int)f])
                return f;
        return FaultType.None;
    }

    /// <summary>Writes 4–24 random bytes for frame <paramref name="sequence"/> (no '\n', so a text line survives only if
    /// <paramref name="newline"/>).</summary>
    public int WriteGarbage(Span<byte> dest, long sequence, bool newline)
    {
        var state = seed ^ (ulong)sequence * 0x9E3779B97F4A7C15UL;
        var n = 4 + (int)(Next(ref state) % 21);
        for (var i = 0; i < n; i++)
        {
            var b = (byte)Next(ref state);
            dest[i] = b == (byte)'\n' ? (byte)'?' : b;
        }
        if (newline)
            dest[n++] = (byte)'\n';
        return n;
    }

    private static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
