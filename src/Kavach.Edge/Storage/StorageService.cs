using System.Threading.Channels;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Storage;

/// <summary>
/// Writes every risk change to SQLite, in order, on its own queue (a slow or dead disk never delays the
/// alarm). An unopenable or unwritable database raises the "storage" fault (FAULT on the outputs) and
/// is retried with capped backoff; the change being written is kept, never dropped. On stop it drains
/// what is queued before closing.
/// </summary>
public sealed class StorageService : IHostedService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly KavachOptions _options;
    private readonly StageFaults _faults;
    private readonly TimeProvider _time;
    private readonly ILogger<StorageService> _log;
    private readonly ChannelReader<RiskState> _changes;
    private EventStore? _store;
    private Task _run = Task.CompletedTask;
    private CancellationTokenSource? _abort;
    private long _written;

    public StorageService(KavachOptions options, RiskBroadcaster broadcaster, StageFaults faults, TimeProvider time, ILogger<StorageService> log)
    {
        _options = options;
        _faults = faults;
        _time = time;
        _log = log;
        _changes = broadcaster.Subscribe("storage", options.Storage.QueueCapacity);
    }

    /// <summary>Events committed since start.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Raised after each committed event (tests and benchmarks wait on it).</summary>
    public event Action<RiskState, long>? Committed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _abort = new CancellationTokenSource();
        TryOpen();
        _run = Task.Run(() => RunAsync(_abort.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private bool TryOpen()
    {
        if (_store is not null) return true;
        try
        {
            _store = EventStore.Open(_options.Storage.Path, _time);
            if (_store.MovedAside is { } aside)
                _log.LogError("Storage: {Path} was not a healthy SQLite database; moved it aside to {Aside} and started a new one", _store.Path, aside);
            _log.LogInformation("Storage: events in {Path} (schema {Version})", _store.Path, EventStore.SchemaVersion);
            if (_faults.Clear("storage")) _log.LogInformation("Storage: recovered");
            return true;
        }
        catch (Exception e)
        {
            if (_faults.Raise("storage", $"cannot open {_options.Storage.Path}: {e.Message}"))
                _log.LogError("Storage: cannot open {Path}: {Message}. The unit is FAULT; the alarm keeps working; retrying", _options.Storage.Path, e.Message);
            return false;
        }
    }

    private async Task RunAsync(CancellationToken abort)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (await _changes.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (_changes.TryPeek(out var state))
            {
                if (TryWrite(state))
                {
                    _changes.TryRead(out _);
                    backoff = TimeSpan.FromMilliseconds(250);
                    continue;
                }
                if (abort.IsCancellationRequested) return;
                try { await Task.Delay(backoff, _time, abort).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private bool TryWrite(RiskState state)
    {
        if (!TryOpen()) return false;
        try
        {
            var monoMs = (long)(state.Timestamp * 1000.0 / _time.TimestampFrequency);
            var id = _store!.Append(state, AppInfo.Version, _options.ConfigHash, monoMs);
            Interlocked.Increment(ref _written);
            if (_faults.Clear("storage")) _log.LogInformation("Storage: writing again");
            Committed?.Invoke(state, id);
            return true;
        }
        catch (Exception e)
        {
            if (_faults.Raise("storage", $"cannot write: {e.Message}"))
                _log.LogError("Storage: cannot write to {Path}: {Message}. The unit is FAULT; retrying", _store!.Path, e.Message);
            _store?.Dispose();
            _store = null;
            return false;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
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
