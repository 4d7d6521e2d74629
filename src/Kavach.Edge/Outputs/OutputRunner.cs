using System.Threading.Channels;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Outputs;

/// <summary>
/// Runs one output (in the spirit of Serilog's batching sink): a bounded queue, batches of up to
/// <see cref="BatchMax"/> items handed to the <see cref="IOutputSink{T}"/> on the runner's own loop, retries
/// of the same batch with capped jittered <see cref="Backoff"/>, the stage fault, and the drain on stop.
/// <para>Overflow policy: an item offered to a full queue is not written; it is counted
/// (<see cref="Overflowed"/>) and the fault "output &lt;stage&gt;" is raised (FAULT: an output that far behind
/// cannot be trusted). It clears once the queue has drained.</para>
/// <para>Failures: a batch the sink cannot write raises the fault "&lt;stage&gt;" with the sink's message (logged
/// once) and is retried with backoff, items behind it waiting in order; the fault clears at the next write
/// that succeeds. A loop that crashes raises "crashed: …". <see cref="TryEnqueue"/> is thread-safe.</para>
/// <para>Liveness: a write (a batch or a tick) still pending after <c>pendingTimeout</c> (a hung disk, a blocked
/// fsync) raises the stage fault from a timer, since a hung stage is never all clear; it clears when the write
/// returns and succeeds.</para>
/// </summary>
public sealed class OutputRunner<T>
{
    public const int DefaultBatchMax = 64;

    private readonly Channel<T> _queue;
    private readonly IOutputSink<T> _sink;
    private readonly StageFaults _faults;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Backoff _backoff;
    private readonly TimeSpan _tickEvery;
    private readonly List<T> _batch;
    private readonly CancellationTokenSource _abort = new();
    private Task _run = Task.CompletedTask;
    private readonly TimeSpan _pendingTimeout;
    private readonly ITimer? _watchdog;
    private long _overflowed,
        _emitted;
    private long _writeStarted; // timestamp of the write in progress, 0 when none
    private int _hung; // 1 while the pending write is reported hung
    private volatile bool _completed;

    /// <param name="stage">The fault's component ("storage"); the overflow fault is "output &lt;stage&gt;".</param>
    /// <param name="name">How logs name the output ("Storage").</param>
    /// <param name="tickEvery">How often <see cref="IOutputSink{T}.Tick"/> runs (null: never, but once on stop).</param>
    /// <param name="pendingTimeout">A write pending longer than this is a stage fault (null: not watched).</param>
    public OutputRunner(
        string stage,
        string name,
        int capacity,
        IOutputSink<T> sink,
        StageFaults faults,
        TimeProvider time,
        ILogger log,
        TimeSpan? tickEvery = null,
        int batchMax = DefaultBatchMax,
        Backoff? backoff = null,
        TimeSpan? pendingTimeout = null
    )
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchMax, 1);
        Stage = stage;
        Name = name;
        Capacity = capacity;
        BatchMax = batchMax;
        _sink = sink;
        _faults = faults;
        _time = time;
        _log = log;
        _tickEvery = tickEvery ?? Timeout.InfiniteTimeSpan;
        _backoff = backoff ?? new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));
        _batch = new List<T>(batchMax);
        _queue = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }
        );
        _pendingTimeout = pendingTimeout ?? Timeout.InfiniteTimeSpan;
        if (pendingTimeout is { } timeout)
        {
            // looked at four times per timeout: a hung write is reported between 1 and 1.25 timeouts after it began
            var every = TimeSpan.FromTicks(Math.Max(timeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10));
            _watchdog = time.CreateTimer(_ => CheckPending(), null, every, every);
        }
    }

    /// <summary>True while a write has been pending longer than the timeout.</summary>
    public bool Hung => Volatile.Read(ref _hung) == 1;

    // On the timer: the loop itself is stuck inside the sink, so only another thread can say so.
    private void CheckPending()
    {
        var started = Interlocked.Read(ref _writeStarted);
        if (started == 0 || Volatile.Read(ref _hung) == 1)
            return;
        var pending = _time.GetElapsedTime(started);
        if (pending < _pendingTimeout || Interlocked.CompareExchange(ref _hung, 1, 0) != 0)
            return;
        if (Interlocked.Read(ref _writeStarted) != started)
        {
            Volatile.Write(ref _hung, 0);
            return;
        } // it returned meanwhile
        _faults.Raise(
            Stage,
            $"write pending for {pending.TotalSeconds:0.#} s (timeout {_pendingTimeout.TotalSeconds:0.#} s): the disk does not answer"
        );
        _log.LogError(
            "{Name}: a write has been pending for {Seconds:0.#} s (timeout {Timeout:0.#} s): the disk does not answer. The unit is FAULT; the alarm keeps working",
            Name,
            pending.TotalSeconds,
            _pendingTimeout.TotalSeconds
        );
    }

    public string Stage { get; }
    public string Name { get; }
    public int Capacity { get; }
    public int BatchMax { get; }

    /// <summary>The fault raised while items are being refused by a full queue.</summary>
    public string OverflowFault => "output " + Stage;

    /// <summary>Items waiting in the queue (not counting a batch being written).</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Items refused by a full queue (or offered after stop), ever.</summary>
    public long Overflowed => Interlocked.Read(ref _overflowed);

    /// <summary>Items written.</summary>
    public long Emitted => Interlocked.Read(ref _emitted);

    /// <summary>Queues an item; false (counted, FAULT) when the queue is full. Thread-safe, never blocks.</summary>
    public bool TryEnqueue(T item)
    {
        if (_queue.Writer.TryWrite(item))
            return true;
        var lost = Interlocked.Increment(ref _overflowed);
        if (_completed)
            _log.LogWarning("{Name}: an item arrived after stop and was not written", Name);
        else if (_faults.Raise(OverflowFault, $"queue full ({Capacity}), {lost} item(s) not written"))
            _log.LogError(
                "{Name}: the queue is full ({Capacity}); items are not written until it drains. The unit is FAULT",
                Name,
                Capacity
            );
        return false;
    }

    public void Start() => _run = Task.Run(() => GuardedRunAsync(_abort.Token), CancellationToken.None);

    /// <summary>
    /// Refuses new items, writes what is queued (retrying as usual), runs the sink's last tick, and returns.
    /// Cancelling <paramref name="cancellationToken"/> abandons what is left (logged); false then.
    /// </summary>
    public async Task<bool> StopAsync(CancellationToken cancellationToken)
    {
        _completed = true;
        _queue.Writer.TryComplete();
        try
        {
            await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
            _watchdog?.Dispose();
            return true;
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            _log.LogWarning("{Name}: stopped with {Count} item(s) not written", Name, _batch.Count + Queued);
            return false;
        }
    }

    private async Task GuardedRunAsync(CancellationToken abort)
    {
        try
        {
            await RunAsync(abort).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _faults.Raise(Stage, e.Message, FaultKind.Crashed);
            _log.LogCritical(e, "{Name}: the output loop crashed: the unit is FAULT", Name);
        }
    }

    private async Task RunAsync(CancellationToken abort)
    {
        var lastTick = _time.GetTimestamp();
        var moreWork = false;
        Task<bool>? ready = null;
        while (true)
        {
            while (_batch.Count < BatchMax && _queue.Reader.TryRead(out var item))
                _batch.Add(item);
            var last = _batch.Count == 0 && _queue.Reader.Completion.IsCompleted;
            var tick = last || moreWork || (_tickEvery != Timeout.InfiniteTimeSpan && _time.GetElapsedTime(lastTick) >= _tickEvery);
            if (_batch.Count > 0 || tick)
            {
                if (!Attempt(tick, out moreWork))
                {
                    try
                    {
                        await Task.Delay(_backoff.Next(), _time, abort).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    continue;
                }
                if (tick)
                    lastTick = _time.GetTimestamp();
                if (last)
                    return;
                continue;
            }

            // Wait for an item or the next tick; the pending wait is reused, not re-armed.
            ready ??= _queue.Reader.WaitToReadAsync(CancellationToken.None).AsTask();
            var due = _tickEvery == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : _tickEvery - _time.GetElapsedTime(lastTick);
            if (due != Timeout.InfiniteTimeSpan && due < TimeSpan.Zero)
                due = TimeSpan.Zero;
            using var wake = new CancellationTokenSource();
            var delay = Task.Delay(due, _time, wake.Token);
            await Task.WhenAny(ready, delay).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);
            if (ready.IsCompleted)
                ready = null; // false (completed): the next pass sees Completion and ends
        }
    }

    private bool EndWrite()
    {
        Interlocked.Exchange(ref _writeStarted, 0);
        return Interlocked.Exchange(ref _hung, 0) == 1;
    }

    private bool Attempt(bool tick, out bool moreWork)
    {
        moreWork = false;
        Interlocked.Exchange(ref _writeStarted, _time.GetTimestamp());
        try
        {
            if (_batch.Count > 0)
            {
                _sink.Emit(_batch);
                Interlocked.Add(ref _emitted, _batch.Count);
                _batch.Clear();
            }
            if (tick)
                moreWork = _sink.Tick();
        }
        catch (Exception e)
        {
            EndWrite();
            var message = e is OutputException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            if (_faults.Raise(Stage, message))
                _log.LogError("{Name}: {Message}. The unit is FAULT; the alarm keeps working; retrying with backoff", Name, message);
            return false;
        }
        var wasHung = EndWrite();
        _backoff.Reset();
        if (_faults.Clear(Stage))
            _log.LogInformation(wasHung ? "{Name}: the pending write returned; writing again" : "{Name}: writing again", Name);
        if (Queued == 0 && _faults.Clear(OverflowFault))
            _log.LogInformation("{Name}: the queue has drained ({Lost} item(s) were not written)", Name, Overflowed);
        return true;
    }
}
