using BenchmarkDotNet.Running;

namespace Kavach.Benchmarks;

public static class BenchmarkProgram
{
    /// <summary>`alarm [options]` runs the alarm latency measurement; anything else goes to BenchmarkDotNet.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "alarm") return AlarmLatency.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
