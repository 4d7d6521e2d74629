using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Pipeline;

/// <summary>
/// Runs the pipeline: one loop drains the readings queue into the fusion windows (in batches), one
/// loop ticks at the fixed rate. Publishes the initial "starting" FAULT before anything else runs.
/// A crash of either loop is FAULT (and logged), never silence.
/// </summary>
public sealed class PipelineService(
    KavachOptions options,
    ReadingQueue queue,
    FusionEngine fusion,
    TickPipeline pipeline,
    RiskBroadcaster broadcaster,
    StageFaults faults,
    TimeProvider time,
    ILogger<PipelineService> log
) : IHostedService
{
    private CancellationTokenSource? _cts;
    private Task _drain = Task.CompletedTask,
        _tick = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        broadcaster.Publish(pipeline.Risk.Current);
        _cts = new CancellationTokenSource();
        _drain = Task.Run(() => DrainAsync(_cts.Token), CancellationToken.None);
        _tick = Task.Run(() => TickAsync(_cts.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        var batch = new Reading[512];
        var reader = queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                var n = 0;
                while (n < batch.Length && reader.TryRead(out batch[n]))
                    n++;
                fusion.AddRange(batch.AsSpan(0, n));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            log.LogCritical(e, "The readings loop crashed: the unit is FAULT");
            faults.Raise("fusion input", e.Message, FaultKind.Crashed);
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Fusion.TickMs), time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    pipeline.Step();
                }
                catch (Exception e)
                {
                    // The alarm watches LastTick: a tick that keeps failing stops the heartbeat too.
                    log.LogError(e, "Pipeline tick failed");
                    faults.Raise("pipeline", "tick failed: " + e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _cts?.Cancel();
        queue.Complete();
        await Task.WhenAll(_drain, _tick).WaitAsync(cancellationToken).ConfigureAwait(false);
        broadcaster.Complete();
    }
}
