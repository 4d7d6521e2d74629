using System.Globalization;
using Kavach.Edge.Hosting;

namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// The running service's own health: its heartbeat file, rewritten every second only while the pipeline
/// ticks and no stage has stalled (<see cref="ServiceHeartbeat"/>). SKIP when the service is not running.
/// </summary>
public sealed class ServiceCheck : ISelfTestCheck
{
    /// <summary>A heartbeat older than this means the pipeline is hung (the watchdog will restart it).</summary>
    public static readonly TimeSpan MaxHeartbeatAge = TimeSpan.FromSeconds(5);

    public string Name => "service";

    public Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken)
    {
        if (!context.Service.Running)
            return Task.FromResult(SelfTestResult.Skip(Name, "not running: ports and lines are tested directly"));
        var freshest = StatePaths
            .HeartbeatCandidates(context.Options)
            .Distinct(StringComparer.Ordinal)
            .Where(File.Exists)
            .Select(p => (Path: p, Written: File.GetLastWriteTimeUtc(p)))
            .OrderByDescending(h => h.Written)
            .FirstOrDefault();
        if (freshest.Path is null)
            return Task.FromResult(
                SelfTestResult.Fail(Name, $"running ({context.Service.How}) but no heartbeat file: the pipeline has not become healthy")
            );
        var age = context.Time.GetUtcNow().UtcDateTime - freshest.Written;
        var content = ReadQuietly(freshest.Path);
        var detail = string.Create(
            CultureInfo.InvariantCulture,
            $"running ({context.Service.How}); heartbeat {Math.Max(0, age.TotalSeconds):0.0} s old: {content}"
        );
        return Task.FromResult(
            age <= MaxHeartbeatAge
                ? SelfTestResult.Pass(Name, detail)
                : SelfTestResult.Fail(Name, detail + $" (stale: over {MaxHeartbeatAge.TotalSeconds:0} s means a hung pipeline)")
        );
    }

    private static string ReadQuietly(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            // "<utc> pid=.. ticks=.. level=.." → drop the timestamp, the age says it
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            return space > 0 ? text[(space + 1)..] : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "(unreadable: " + e.Message + ")";
        }
    }
}
