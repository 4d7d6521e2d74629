using BenchmarkDotNet.Running;

namespace Kavach.Benchmarks;

public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        // `storage`: the storage and uplink figures of docs/benchmarks/storage.md (wall-clock runs, medians).
        if (args.Length > 0 && args[0] == "storage") return await StorageBenchmark.RunAsync(args[1..]).ConfigureAwait(false);
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
