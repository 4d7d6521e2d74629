namespace Kavach.Central.Ingest;

/// <summary>What the ingest did since start (thread-safe counters, read by /health and the log).</summary>
public sealed class IngestCounters
{
    private long _received,
        _committed,
        _alertsNew,
        _duplicates,
        _rejects,
        _batches,
        _failedCommits,
        _acks;

    public long Received => Interlocked.Read(ref _received);
    public long Committed => Interlocked.Read(ref _committed);
    public long AlertsNew => Interlocked.Read(ref _alertsNew);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Rejects => Interlocked.Read(ref _rejects);
    public long Batches => Interlocked.Read(ref _batches);
    public long FailedCommits => Interlocked.Read(ref _failedCommits);
    public long Acknowledged => Interlocked.Read(ref _acks);

    /// <summary>True while the MQTT session is up.</summary>
    public bool Connected { get; set; }

    internal void OnReceived() => Interlocked.Increment(ref _received);

    internal void OnFailedCommit() => Interlocked.Increment(ref _failedCommits);

    internal void OnAcknowledged() => Interlocked.Increment(ref _acks);

    internal void OnCommitted(int messages, BatchCommitter.Result r)
    {
        Interlocked.Add(ref _committed, messages);
        Interlocked.Add(ref _alertsNew, r.AlertsNew);
        Interlocked.Add(ref _duplicates, r.Alerts - r.AlertsNew);
        Interlocked.Add(ref _rejects, r.Rejects);
        Interlocked.Increment(ref _batches);
    }
}
