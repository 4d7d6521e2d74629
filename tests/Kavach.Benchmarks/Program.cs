using BenchmarkDotNet.Running;

namespace Kavach.Benchmarks;

/// <summary>
/// BenchmarkDotNet micro benchmarks (`--filter ...`), and the project's own load tools as verbs:
/// `load` (the spine under JSON-lines load over loopback TCP), `api` (the local API: WebSocket latency,
/// /api/status throughput, the memory the API adds).
/// </summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "load") return await LoadTool.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "api") return await ApiBench.RunAsync(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
