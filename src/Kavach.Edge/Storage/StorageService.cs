using Kavach.Edge.Alarm;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Outputs;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Storage;

/// <summary>One thing to commit: a risk change (an event plus its outbox alert) or an operator event.</summary>
public readonly record struct StorageItem(RiskState? Change, OperatorEvent? Operator);

/// <summary>
/// The storage output, a sink on an <see cref="OutputRunner{T}"/> (a slow or dead disk never delays the alarm).
/// Risk changes and operator events (acks, maintenance) share ONE ordered queue, so their order in the
/// database is the order they happened; each batch (up to 64) is one transaction, an alert with its outbox row.
/// Per-second summaries and health changes from the <see cref="ReadingRecorder"/> are committed together every
/// <c>Storage.FlushMs</c>, with the minute rollup of finished minutes (<see cref="MinuteRollup"/>; missing ones are backfilled
/// an hour per step after start) and a bounded retention step. A database that cannot be opened at start stops the
/// daemon (exit 2, <see cref="ConfigurationRefusedException"/>); one that becomes unopenable or unwritable later
/// raises the "storage" fault (FAULT on the outputs, alarms keep working), logged once, and the runner retries
/// with capped backoff; queued items wait meanwhile. A commit that has not returned after <c>Storage.CommitTimeoutMs</c>
/// (a hung disk) raises the "storage" fault too, cleared when it returns. A full queue is the "output storage" fault until it drains.
/// On stop the runner drains what is queued, flushes, and the database closes. Storage is the only owner of the
/// database file: the uplink reads the outbox through <see cref="Outbox"/>, the API events through <see cref="Events"/>.
/// What feeds it (risk changes, ticks, operator events) is connected in Hosting/FanOut.cs.
/// </summary>
public sealed class StorageService : IHostedService, IOutputSink<StorageItem>
{
    private static readonly TimeSpan RetentionEvery = TimeSpan.FromMinutes(1);

    private readonly KavachOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StorageService> _log;
    private readonly AlarmControl? _alarm;
    private readonly OutputRunner<StorageItem> _runner;
    private readonly List<(RiskState State, CommittedAlert Alert)> _committed = [];
    private readonly Outbox _outbox;
    private EventStore? _store;
    private long _written;
    private long _nextRetention = long.MinValue;
    private bool _ageSkipped;
    private bool _rollupMore;

    /// <param name="alarm">Read for the maintenance state and the last operator event each alert carries (null: none).</param>
    public StorageService(
        KavachOptions options,
        StageFaults faults,
        TimeProvider time,
        ILogger<StorageService> log,
        AlarmControl? alarm = null
    )
    {
        _options = options;
        _time = time;
        _log = log;
        _alarm = alarm;
        _runner = new OutputRunner<StorageItem>(
            "storage",
            "Storage",
            options.Storage.QueueCapacity,
            this,
            faults,
            time,
            log,
            TimeSpan.FromMilliseconds(options.Storage.FlushMs),
            pendingTimeout: TimeSpan.FromMilliseconds(options.Storage.CommitTimeoutMs)
        );
        Recorder = new ReadingRecorder(options, time);
        Clock = new ClockSync(time);
        _outbox = new Outbox(options.Storage.Path);
        Events = new EventReader(options.Storage.Path);
    }

    /// <summary>The outbox for the uplink (its own connection, owned and closed by storage). One reader loop.</summary>
    public IOutbox Outbox => _outbox;

    /// <summary>Stored events for the local API. Thread-safe.</summary>
    public IEventReader Events { get; }

    /// <summary>Per-second summaries and health changes waiting for the next batch.</summary>
    public ReadingRecorder Recorder { get; }

    /// <summary>Whether the wall clock is NTP-synchronised (alerts carry it).</summary>
    public ClockSync Clock { get; }

    /// <summary>The runner: queue depth, overflow count.</summary>
    public OutputRunner<StorageItem> Runner => _runner;

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
        try
        {
            Open();
        }
        catch (Exception e)
        {
            throw new ConfigurationRefusedException($"Storage.Path: {e.Message}", e);
        }
        _runner.Start();
        return Task.CompletedTask;
    }

    /// <summary>Queues a risk change (on the tick thread: never blocks). Thread-safe. Hosting/FanOut.cs connects it.</summary>
    public void Add(RiskState state) => _runner.TryEnqueue(new StorageItem(state, null));

    /// <summary>Queues an operator event (acknowledgement, maintenance), in order with the risk changes. Thread-safe.</summary>
    public void Record(OperatorEvent e) => _runner.TryEnqueue(new StorageItem(null, e));

    private void Open()
    {
        _store = EventStore.Open(_options.Storage.Path, _time);
        _store.RollupDays = _options.Storage.RetentionDays;
        _rollupMore = true; // minutes left unrolled by the last run, or a database from before v6: backfilled from the first tick
        Run = _store.Run;
        if (_store.MovedAside is { } aside)
            _log.LogError(
                "Storage: SQLite reports {Path} corrupt; moved it aside to {Aside}, started a new one (new epoch {Epoch}, seq from 1) and queued its {Recovered} readable unsent outbox row(s) again",
                _store.Path,
                aside,
                _store.Epoch,
                _store.Recovered
            );
        _log.LogInformation(
            "Storage: {Path} (schema {Version}, run {Run}, epoch {Epoch}, next alert seq {Seq})",
            _store.Path,
            EventStore.SchemaVersion,
            _store.Run,
            _store.Epoch,
            _store.NextSeq
        );
    }

    // At run time the file is never moved aside for a failure to open: FAULT and retry until it opens again.
    private EventStore Store()
    {
        if (_store is not null)
            return _store;
        try
        {
            Open();
        }
        catch (Exception e)
        {
            throw new OutputException($"cannot open {_options.Storage.Path}: {e.Message}", e);
        }
        return _store!;
    }

    void IOutputSink<StorageItem>.Emit(IReadOnlyList<StorageItem> batch)
    {
        var store = Store();
        _committed.Clear();
        Write(() =>
            store.Batch(() =>
            {
                foreach (var item in batch)
                {
                    if (item.Change is { } state)
                        _committed.Add((state, WriteAlert(store, state)));
                    else
                        store.AppendOperator(item.Operator!, AppInfo.Version, _options.ConfigHash, _options.CommissioningHash);
                }
            })
        );
        foreach (var (state, alert) in _committed)
        {
            Interlocked.Increment(ref _written);
            if (alert.Shed > 0)
                _log.LogWarning(
                    "Storage: the outbox is full ({Max} alerts); shed the {Count} oldest ({Total} ever); a shed record goes first",
                    _options.Uplink.OutboxMaxRows,
                    alert.Shed,
                    store.ShedTotal
                );
            Committed?.Invoke(state, alert);
        }
        _committed.Clear();
    }

    private CommittedAlert WriteAlert(EventStore store, RiskState state)
    {
        var monoMs = (long)(state.Timestamp * 1000.0 / _time.TimestampFrequency);
        var context = new AlertContext(
            _options.Device.Id,
            AppInfo.Version,
            _options.ConfigHash,
            Clock.IsSynced,
            _alarm?.InMaintenance ?? false,
            Recorder.Health(),
            _alarm?.MaintenanceUntil,
            _alarm?.LastEvent,
            _options.CommissioningHash
        );
        return store.AppendAlert(state, context, monoMs, _options.Uplink.OutboxMaxRows);
    }

    // Every FlushMs (and once on stop): the buffered summaries with a minute rollup step (or a rollup step alone while a backfill
    // is under way), then a retention step when one is due. True (more to do): the runner comes back after its next batch.
    bool IOutputSink<StorageItem>.Tick()
    {
        var store = Store();
        var (rows, health) = Recorder.Take();
        if (rows.Count > 0 || health.Count > 0)
        {
            try
            {
                Write(() => _rollupMore = store.WriteBatch(rows, health, AppInfo.Version, _options.ConfigHash, _options.CommissioningHash));
            }
            catch
            {
                Recorder.PutBack(rows, health);
                throw;
            }
            Flushed?.Invoke(rows.Count, health.Count);
        }
        else if (_rollupMore)
            Write(() => _rollupMore = store.Rollup());
        var now = _time.GetTimestamp();
        if (_nextRetention != long.MinValue && now < _nextRetention)
            return _rollupMore;
        RetentionResult result = default;
        // By age only by a synchronised wall clock (a board without RTC boots with a wrong one); by size always.
        var synced = Clock.IsSynced;
        if (!synced && !_ageSkipped)
            _log.LogInformation(
                "Storage: retention by age waits for the wall clock to be synchronised (NTP); retention by size (Storage.MaxSizeMb) goes on"
            );
        _ageSkipped = !synced;
        Write(() =>
            result = store.RetentionStep(
                _time.GetUtcNow(),
                synced ? _options.Storage.RetentionDays : null,
                _options.Storage.MaxSizeMb * 1024L * 1024L
            )
        );
        // More to do: come back after the next batch; else in a minute.
        _nextRetention = result.MoreToDo ? now : now + _time.Ticks(RetentionEvery);
        if (result.Deleted > 0)
            _log.LogDebug(
                "Storage: retention deleted {Rows} row(s), returned {Pages} page(s); database {Mb:0.0} MB",
                result.Deleted,
                result.PagesFreed,
                result.SizeBytes / 1048576.0
            );
        return result.MoreToDo || _rollupMore;
    }

    // A failed write closes the database: the next try reopens it (the file may have been replaced or remounted).
    private void Write(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e)
        {
            _store?.Dispose();
            _store = null;
            throw new OutputException($"cannot write to {_options.Storage.Path}: {e.Message}", e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The pipeline stopped before us (outputs stop last): drain the queue, flush, then close.
        await _runner.StopAsync(cancellationToken).ConfigureAwait(false);
        _store?.Dispose();
        _store = null;
        _outbox.Dispose(); // the uplink stopped before us
    }
}
