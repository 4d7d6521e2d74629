using BenchmarkDotNet.Running;

namespace Kavach.Benchmarks;

/// <summary>
/// BenchmarkDotNet micro benchmarks (`--filter ...`), and the project's own load tools as verbs that
/// bypass BenchmarkDotNet (they measure a running daemon, not a method):
/// `load` (the spine under JSON-lines load over loopback TCP), `inputs` (binary frames from 4 TCP sensors),
/// `alarm` (risk change → first pin write latency), `storage` (alerts/s, outbox drain, bytes written per hour),
/// `api` (the local API: WebSocket latency, /api/status throughput, the memory the API adds),
/// `trends` (/api/trends over 24 h on a 30-day database).
/// </summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["load", ..])
            return await LoadTool.RunAsync(args[1..]);
        if (args is ["inputs", ..])
            return await InputsLoad.RunAsync(args);
        if (args is ["inputs-send", ..])
            return await InputsLoad.SendAsync(args);
        if (args is ["alarm", ..])
            return AlarmLatency.Run(args[1..]);
        if (args is ["alarm-e2e", ..])
            return await AlarmEndToEnd.RunAsync(args[1..]);
        if (args is ["storage", ..])
            return await StorageBenchmark.RunAsync(args[1..]).ConfigureAwait(false);
        if (args is ["api", ..])
            return await ApiBench.RunAsync(args[1..]);
        if (args is ["trends", ..])
            return await TrendsBench.RunAsync(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
