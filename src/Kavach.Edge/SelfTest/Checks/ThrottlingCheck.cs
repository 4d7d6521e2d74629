using System.Globalization;

namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// Raspberry Pi firmware's `vcgencmd get_throttled` (SKIP where the tool is absent: Jetson, a PC).
/// Bits (Raspberry Pi documentation, "vcgencmd get_throttled"): 0 under-voltage now, 1 ARM frequency
/// capped now, 2 throttled now, 3 soft temperature limit now; 16-19 the same "has occurred since boot".
/// Any "now" bit is FAIL (a weak supply or an overheating cabinet); past-only bits PASS with a note.
/// </summary>
public sealed class ThrottlingCheck : ISelfTestCheck
{
    public string Name => "throttling";

    public async Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken)
    {
        var r = await ExternalTool
            .RunAsync("vcgencmd", ["get_throttled"], TimeSpan.FromSeconds(3), cancellationToken)
            .ConfigureAwait(false);
        if (r is null)
            return SelfTestResult.Skip(Name, "vcgencmd not present (not a Raspberry Pi)");
        if (r.ExitCode != 0 || !TryParse(r.Output, out var bits))
            return SelfTestResult.Skip(Name, $"vcgencmd get_throttled answered '{r.Output.Trim()}'");
        return Judge(bits);
    }

    public static bool TryParse(string output, out uint bits)
    {
        // "throttled=0x50005"
        bits = 0;
        var eq = output.IndexOf("=0x", StringComparison.Ordinal);
        return eq >= 0 && uint.TryParse(output.AsSpan(eq + 3).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bits);
    }

    public static SelfTestResult Judge(uint bits)
    {
        const string name = "throttling";
        var hex = $"throttled=0x{bits:x}";
        if (bits == 0)
            return SelfTestResult.Pass(name, hex + ": no under-voltage or throttling since boot");
        var now = Describe(bits & 0xF);
        var past = Describe((bits >> 16) & 0xF);
        return (bits & 0xF) != 0
            ? SelfTestResult.Fail(name, $"{hex}: now {now}")
            : SelfTestResult.Pass(name, $"{hex}: fine now; since boot {past}");
    }

    private static string Describe(uint nibble)
    {
        var parts = new List<string>();
        if ((nibble & 1) != 0)
            parts.Add("under-voltage");
        if ((nibble & 2) != 0)
            parts.Add("frequency capped");
        if ((nibble & 4) != 0)
            parts.Add("throttled");
        if ((nibble & 8) != 0)
            parts.Add("soft temperature limit");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
