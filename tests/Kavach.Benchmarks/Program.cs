using BenchmarkDotNet.Running;

namespace Kavach.Benchmarks;

public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        // Load modes bypass BenchmarkDotNet: they measure a running daemon, not a method.
        if (args is ["inputs", ..]) return await InputsLoad.RunAsync(args);
        if (args is ["inputs-send", ..]) return await InputsLoad.SendAsync(args);
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
