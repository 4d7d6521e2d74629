namespace Kavach.Edge.Risk;

/// <summary>
/// Hands each risk change to the outputs. Listeners are connected explicitly (Hosting/FanOut.cs for storage;
/// the alarm and the API's hub) and run on the tick thread, so each only queues or signals: storage puts the
/// change on its own bounded queue (an output runner, which owns the overflow policy), the alarm reads the
/// latest state directly, so a slow disk or a dead broker never delays another output.
/// Publish is called only by the pipeline's tick loop.
/// </summary>
public sealed class RiskBroadcaster
{
    private volatile RiskState? _latest;
    private volatile bool _completed;

    /// <summary>The latest published state (the alarm and the API read this).</summary>
    public RiskState? Latest => _latest;

    /// <summary>True once the pipeline has stopped publishing.</summary>
    public bool Completed => _completed;

    /// <summary>Raised after each publish, on the tick thread: keep handlers tiny (queue or signal, don't work).</summary>
    public event Action<RiskState>? Changed;

    public void Publish(RiskState state)
    {
        _latest = state;
        Changed?.Invoke(state);
    }

    /// <summary>The pipeline stopped: no more changes.</summary>
    public void Complete() => _completed = true;
}
