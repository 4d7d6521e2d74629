using Kavach.Edge.Alarm;
using Kavach.Edge.Risk;
using Kavach.Edge.Storage;
using Kavach.Edge.Uplink;
using Microsoft.Extensions.Hosting;

namespace Kavach.Edge.Hosting;

/// <summary>
/// Who listens to whom, written down in one place instead of components subscribing themselves. Each
/// <see cref="Edge"/> is one arrow of the README's diagram. As a hosted service the edges connect before
/// any output or input starts (no change is missed) and disconnect after every output has stopped and
/// drained. Handlers run on the sender's thread and only queue or signal.
/// One arrow is deliberately not here: risk state ──▶ alarm outputs. The alarm subscribes when its lines are open and
/// renders the latest state at once (Alarm/AlarmService.cs), and detaches when it halts them: the lamps follow the
/// hardware's life, not the host's.
/// </summary>
public sealed class FanOut(IReadOnlyList<FanOut.Edge> edges) : IHostedService
{
    /// <summary>One arrow: a name for the logs and docs, how to connect it and how to take it away.</summary>
    public sealed record Edge(string Name, Action Connect, Action Disconnect);

    public IReadOnlyList<Edge> Edges => edges;

    /// <summary>risk state ──▶ storage (one ordered queue with the operator events).</summary>
    public static Edge RiskToStorage(RiskBroadcaster risk, StorageService storage) =>
        new("risk state → storage", () => risk.Changed += storage.Add, () => risk.Changed -= storage.Add);

    /// <summary>fusion tick ──▶ storage's per-second summaries.</summary>
    public static Edge TicksToStorage(Pipeline.TickPipeline pipeline, StorageService storage) =>
        new(
            "fusion tick → storage summaries",
            () => pipeline.Ticked += storage.Recorder.OnTick,
            () => pipeline.Ticked -= storage.Recorder.OnTick
        );

    /// <summary>operator events (acks, maintenance) ──▶ storage, into the same queue as the risk changes.</summary>
    public static Edge OperatorToStorage(AlarmControl alarm, StorageService storage) =>
        new("operator events → storage", () => alarm.Recorded += storage.Record, () => alarm.Recorded -= storage.Record);

    /// <summary>risk state ──▶ the local API's WebSocket push (only when the API is enabled).</summary>
    public static Edge RiskToApi(RiskBroadcaster risk, Api.AlertHub hub) =>
        new("risk state → API push", () => risk.Changed += hub.OnRiskChanged, () => risk.Changed -= hub.OnRiskChanged);

    /// <summary>operator events ──▶ the local API's WebSocket push (only when the API is enabled).</summary>
    public static Edge OperatorToApi(AlarmControl alarm, Api.AlertHub hub) =>
        new("operator events → API push", () => alarm.Recorded += hub.OnOperatorEvent, () => alarm.Recorded -= hub.OnOperatorEvent);

    /// <summary>storage commits ──▶ uplink (wakes its outbox drain).</summary>
    public static Edge CommitsToUplink(StorageService storage, UplinkService uplink) =>
        new("storage commits → uplink", () => storage.Committed += uplink.OnCommitted, () => storage.Committed -= uplink.OnCommitted);

    /// <summary>Connects every edge now (tests that wire stages by hand).</summary>
    public static FanOut Connect(params Edge[] edges)
    {
        var fan = new FanOut(edges);
        fan.ConnectAll();
        return fan;
    }

    private void ConnectAll()
    {
        foreach (var e in edges)
            e.Connect();
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ConnectAll();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        for (var i = edges.Count - 1; i >= 0; i--)
            edges[i].Disconnect();
        return Task.CompletedTask;
    }
}
