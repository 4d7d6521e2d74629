using System.Threading.Channels;
using Kavach.Edge.Alarm;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Storage;

/// <summary>
/// The storage runner. On its own loop (a slow or dead disk never delays the alarm):
/// every risk change is committed at once as an event plus its outbox alert (one transaction);
/// operator events (acks, maintenance) are committed at once; per-second summaries and health changes
/// from the <see cref="ReadingRecorder"/> are committed together every <c>Storage.FlushMs</c>; retention
/// runs in small steps between batches. A database that cannot be opened at start stops the daemon (exit 2,
/// <see cref="ConfigurationRefusedException"/>); one that becomes unopenable or unwritable later raises the "storage"
/// fault (FAULT on the outputs, alarms keep working), is logged once, and is retried with capped backoff;
/// alerts and operator events are kept in their queues meanwhile, never dropped. On stop it drains
/// what is queued, flushes, and closes.
/// </summary>
public sealed class StorageService : IHostedService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetentionEvery = TimeSpan.FromMinutes(1);

    private readonly KavachOptions _options;
    private readonly StageFaults _faults;
    private readonly TimeProvider _time;
    private readonly ILogger<StorageService> _log;
    private readonly ChannelReader<RiskState> _changes;
    private readonly Channel<OperatorEvent> _operator = Channel.CreateBounded<OperatorEvent>(new BoundedChannelOptions(1024) { SingleReader = true });
    private readonly Pipeline.Pipeline? _pipeline;
    private readonly AlarmControl? _alarm;
    private EventStore? _store;
    private Task _run = Task.CompletedTask;
    private CancellationTokenSource? _abort;
    private long _written, _operatorLost;
    private long _nextRetention = long.MinValue;

    public StorageService(KavachOptions options, RiskBroadcaster broadcaster, StageFaults faults, TimeProvider time, ILogger<StorageService> log,
        Pipeline.Pipeline? pipeline = null, AlarmControl? alarm = null)
    {
        _options = options;
        _faults = faults;
        _time = time;
        _log = log;
        _pipeline = pipeline;
        _alarm = alarm;
        _changes = broadcaster.Subscribe("storage", options.Storage.QueueCapacity);
        Recorder = new ReadingRecorder(options, time);
        Clock = new ClockSync(time);
    }

    /// <summary>Per-second summaries and health changes waiting for the next batch.</summary>
    public ReadingRecorder Recorder { get; }

    /// <summary>Whether the wall clock is NTP-synchronised (alerts carry it).</summary>
    public ClockSync Clock { get; }

    /// <summary>Events committed since start.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Alerts ever shed from a full outbox.</summary>
    public long ShedTotal => _store?.ShedTotal ?? 0;

    /// <summary>This run's number in the database (0 until it opened).</summary>
    public long Run { get; private set; }

    /// <summary>Raised after each committed alert, on the storage loop (the uplink signals its drain; tests wait on it).</summary>
    public event Action<RiskState, CommittedAlert>? Committed;

    /// <summary>Raised after each committed batch of summaries (rows, health changes).</summary>
    public event Action<int, int>? Flushed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // At start-up a database that cannot be opened (busy, I/O, read-only; not corrupt) stops the daemon
        // (exit 2) naming the cause: running on would mean a new database and seq restarting at 1.
        try { Open(); }
        catch (Exception e) { throw new ConfigurationRefusedException($"Storage.Path: {e.Message}", e); }
        _abort = new CancellationTokenSource();
        if (_pipeline is not null) _pipeline.Ticked += Recorder.OnTick;
        if (_alarm is not null) _alarm.Recorded += Record;
        _run = Task.Run(() => GuardedRunAsync(_abort.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task GuardedRunAsync(CancellationToken abort)
    {
        try
        {
            await RunAsync(abort).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _faults.Raise("storage", "crashed: " + e.Message);
            _log.LogCritical(e, "Storage: the storage loop crashed: the unit is FAULT");
        }
    }

    /// <summary>Queues an operator event (acknowledgement, maintenance) to be committed at once. Thread-safe.</summary>
    public void Record(OperatorEvent e)
    {
        if (_operator.Writer.TryWrite(e)) return;
        Interlocked.Increment(ref _operatorLost);
        _faults.Raise("storage", $"operator event queue full, {Interlocked.Read(ref _operatorLost)} lost");
    }

    private bool TryOpen()
    {
        if (_store is not null) return true;
        try
        {
            Open();
            if (_faults.Clear("storage")) _log.LogInformation("Storage: recovered");
            return true;
        }
        catch (Exception e)
        {
            // At run time the file is never moved aside for this: FAULT and retry until it opens again.
            if (_faults.Raise("storage", $"cannot open {_options.Storage.Path}: {e.Message}"))
                _log.LogError("Storage: cannot open {Path}: {Message}. The unit is FAULT; the alarm keeps working; retrying", _options.Storage.Path, e.Message);
            return false;
        }
    }

    private void Open()
    {
        _store = EventStore.Open(_options.Storage.Path, _time);
        Run = _store.Run;
        if (_store.MovedAside is { } aside)
            _log.LogError("Storage: SQLite reports {Path} corrupt; moved it aside to {Aside}, started a new one (new epoch {Epoch}, seq from 1) and queued its {Recovered} readable unsent outbox row(s) again",
                _store.Path, aside, _store.Epoch, _store.Recovered);
        _log.LogInformation("Storage: {Path} (schema {Version}, run {Run}, epoch {Epoch}, next alert seq {Seq})", _store.Path, EventStore.SchemaVersion, _store.Run, _store.Epoch, _store.NextSeq);
    }

    private async Task RunAsync(CancellationToken abort)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        var flushEvery = TimeSpan.FromMilliseconds(_options.Storage.FlushMs);
        var lastFlush = _time.GetTimestamp();
        Task<bool>? changesReady = null, operatorReady = null;
        bool changesOpen = true, operatorOpen = true;
        while (true)
        {
            var ok = DrainChanges() && DrainOperator();
            var now = _time.GetTimestamp();
            if (ok && _time.GetElapsedTime(lastFlush, now) >= flushEvery)
            {
                ok = Flush();
                if (ok) lastFlush = now;
                if (ok) RetentionStep(now);
            }
            if (!changesOpen && _changes.Completion.IsCompleted)
            {
                if (ok && !_changes.TryPeek(out _)) { Flush(); return; }
                if (abort.IsCancellationRequested) return;
            }
            if (!ok)
            {
                try { await Task.Delay(backoff, _time, abort).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                continue;
            }
            backoff = TimeSpan.FromMilliseconds(250);

            // Wait for a change, an operator event or the next flush; the pending waits are reused, not re-armed.
            changesReady ??= changesOpen ? _changes.WaitToReadAsync(CancellationToken.None).AsTask() : null;
            operatorReady ??= operatorOpen ? _operator.Reader.WaitToReadAsync(CancellationToken.None).AsTask() : null;
            var due = flushEvery - _time.GetElapsedTime(lastFlush, _time.GetTimestamp());
            if (due < TimeSpan.Zero) due = TimeSpan.Zero;
            using var wake = new CancellationTokenSource();
            var delay = Task.Delay(due, _time, wake.Token);
            await Task.WhenAny(changesReady ?? delay, operatorReady ?? delay, delay).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);
            if (changesReady is { IsCompleted: true })
            {
                changesOpen = await changesReady.ConfigureAwait(false);
                changesReady = null;
            }
            if (operatorReady is { IsCompleted: true })
            {
                operatorOpen = await operatorReady.ConfigureAwait(false);
                operatorReady = null;
            }
        }
    }

    private bool DrainChanges()
    {
        while (_changes.TryPeek(out var state))
        {
            if (!TryWrite(() => WriteAlert(state))) return false;
            _changes.TryRead(out _);
        }
        return true;
    }

    private bool DrainOperator()
    {
        while (_operator.Reader.TryPeek(out var e))
        {
            if (!TryWrite(() => _store!.AppendOperator(e, AppInfo.Version, _options.ConfigHash, _options.CommissioningHash))) return false;
            _operator.Reader.TryRead(out _);
        }
        return true;
    }

    private void WriteAlert(RiskState state)
    {
        var monoMs = (long)(state.Timestamp * 1000.0 / _time.TimestampFrequency);
        var context = new AlertContext(_options.Device.Id, AppInfo.Version, _options.ConfigHash, Clock.IsSynced,
            _alarm?.InMaintenance ?? false, Recorder.Health(), _alarm?.MaintenanceUntil, _alarm?.LastEvent, _options.CommissioningHash);
        var alert = _store!.AppendAlert(state, context, monoMs, _options.Uplink.OutboxMaxRows);
        Interlocked.Increment(ref _written);
        if (alert.Shed > 0)
            _log.LogWarning("Storage: the outbox is full ({Max} alerts); shed the {Count} oldest ({Total} ever); a shed record goes first",
                _options.Uplink.OutboxMaxRows, alert.Shed, _store.ShedTotal);
        Committed?.Invoke(state, alert);
    }

    private bool Flush()
    {
        var (rows, health) = Recorder.Take();
        if (rows.Count == 0 && health.Count == 0) return true;
        var ok = TryWrite(() => _store!.WriteBatch(rows, health, AppInfo.Version, _options.ConfigHash, _options.CommissioningHash));
        if (!ok) Recorder.PutBack(rows, health);
        else Flushed?.Invoke(rows.Count, health.Count);
        return ok;
    }

    private void RetentionStep(long now)
    {
        if (_nextRetention != long.MinValue && now < _nextRetention) return;
        RetentionResult result = default;
        var ok = TryWrite(() => result = _store!.RetentionStep(_time.GetUtcNow(), _options.Storage.RetentionDays, _options.Storage.MaxSizeMb * 1024L * 1024L));
        // More to do: come back after the next batch; else in a minute.
        _nextRetention = ok && result.MoreToDo ? now : now + _time.Ticks(RetentionEvery);
        if (ok && result.Deleted > 0)
            _log.LogDebug("Storage: retention deleted {Rows} row(s), returned {Pages} page(s); database {Mb:0.0} MB", result.Deleted, result.PagesFreed, result.SizeBytes / 1048576.0);
    }

    private bool TryWrite(Action write)
    {
        if (!TryOpen()) return false;
        try
        {
            write();
            if (_faults.Clear("storage")) _log.LogInformation("Storage: writing again");
            return true;
        }
        catch (Exception e)
        {
            if (_faults.Raise("storage", $"cannot write: {e.Message}"))
                _log.LogError("Storage: cannot write to {Path}: {Message}. The unit is FAULT; the alarm keeps working; retrying", _store!.Path, e.Message);
            _store?.Dispose();
            _store = null;
            return false;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_pipeline is not null) _pipeline.Ticked -= Recorder.OnTick;
        if (_alarm is not null) _alarm.Recorded -= Record;
        _operator.Writer.TryComplete();
        // The pipeline completed the queue before us (outputs stop last): drain it, then close.
        try
        {
            await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _abort?.Cancel();
            _log.LogWarning("Storage: stopped before every queued event was written");
        }
        _store?.Dispose();
        _store = null;
    }
}
