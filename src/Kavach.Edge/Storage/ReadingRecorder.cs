using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Protocols;

namespace Kavach.Edge.Storage;

/// <summary>One sensor's second, as stored (NaN: not applicable or nothing seen).</summary>
public readonly record struct SummaryRow(
    long UnixS,
    string Sensor,
    string Kind,
    int Frames,
    float NoReturnRatio,
    float MinM,
    float MedianM,
    float Strength,
    float SnrDb,
    float SpeedMps,
    float VisibilityM,
    int State
);

/// <summary>A sensor's health changed (never seen → live → stale/frozen …).</summary>
public sealed record HealthChange(DateTimeOffset Utc, string Sensor, string State, string? Previous, double AgeS);

/// <summary>
/// Watches the pipeline's fusion snapshots (<see cref="Pipeline.TickPipeline.Ticked"/>, on the tick thread:
/// a few comparisons per tick, a few small rows per second) and keeps, for the storage service to take
/// in batches: one summary row per sensor per second (the snapshot whose window covers that second) and
/// every health change. Bounded: when storage cannot keep up the oldest rows go, counted. Thread-safe.
/// </summary>
public sealed class ReadingRecorder
{
    public const int MaxBufferedRows = 4096;

    private readonly KavachOptions _options;
    private readonly TimeProvider _time;
    private readonly int[] _state;
    private readonly Lock _lock = new();
    private readonly Queue<SummaryRow> _rows = new();
    private readonly List<HealthChange> _health = [];
    private long _lastSummary = long.MinValue;
    private long _dropped;
    private volatile FusionSnapshot? _latest;

    public ReadingRecorder(KavachOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _state = new int[options.Sensors.Count];
        Array.Fill(_state, -1);
    }

    /// <summary>Summary rows dropped because storage fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The latest snapshot seen.</summary>
    public FusionSnapshot? Latest => _latest;

    /// <summary>Tick-thread hook: cheap, never blocks on storage.</summary>
    public void OnTick(FusionSnapshot snapshot)
    {
        _latest = snapshot;
        var summarize = _lastSummary == long.MinValue || _time.GetElapsedTime(_lastSummary, snapshot.Timestamp) >= TimeSpan.FromSeconds(1);
        var sensors = snapshot.Sensors;
        List<HealthChange>? changes = null;
        for (var i = 0; i < sensors.Length && i < _state.Length; i++)
        {
            var code = StateCode(sensors[i]);
            if (code == _state[i])
                continue;
            changes ??= [];
            changes.Add(
                new HealthChange(
                    _time.GetUtcNow(),
                    _options.Sensors[i].Name,
                    StateName(code),
                    _state[i] < 0 ? null : StateName(_state[i]),
                    sensors[i].AgeS
                )
            );
            _state[i] = code;
        }
        if (!summarize && changes is null)
            return;
        var unixS = _time.GetUtcNow().ToUnixTimeSeconds();
        lock (_lock)
        {
            if (changes is not null)
                _health.AddRange(changes);
            if (!summarize)
                return;
            _lastSummary = snapshot.Timestamp;
            for (var i = 0; i < sensors.Length && i < _state.Length; i++)
            {
                if (_rows.Count >= MaxBufferedRows)
                {
                    _rows.Dequeue();
                    _dropped++;
                }
                _rows.Enqueue(Row(unixS, _options.Sensors[i], sensors[i]));
            }
        }
    }

    /// <summary>Takes everything buffered (the storage service's batch).</summary>
    public (List<SummaryRow> Rows, List<HealthChange> Health) Take()
    {
        lock (_lock)
        {
            var rows = _rows.ToList();
            _rows.Clear();
            var health = _health.ToList();
            _health.Clear();
            return (rows, health);
        }
    }

    /// <summary>Puts a batch back at the front after a failed write (still bounded).</summary>
    public void PutBack(List<SummaryRow> rows, List<HealthChange> health)
    {
        lock (_lock)
        {
            var merged = rows.Concat(_rows).ToList();
            _rows.Clear();
            var skip = Math.Max(0, merged.Count - MaxBufferedRows);
            _dropped += skip;
            foreach (var r in merged.Skip(skip))
                _rows.Enqueue(r);
            _health.InsertRange(0, health); // health changes are rare: never dropped
        }
    }

    /// <summary>Every sensor's health now (for alerts).</summary>
    public IReadOnlyList<AlertSensor> Health()
    {
        var latest = _latest;
        var list = new AlertSensor[_options.Sensors.Count];
        for (var i = 0; i < list.Length; i++)
        {
            var o = _options.Sensors[i];
            var kind = o.Kind.ToString().ToLowerInvariant();
            list[i] =
                latest is null || i >= latest.Sensors.Length
                    ? new AlertSensor(o.Name, kind, "unknown", double.NaN)
                    : new AlertSensor(o.Name, kind, StateName(StateCode(latest.Sensors[i])), latest.Sensors[i].AgeS);
        }
        return list;
    }

    private static SummaryRow Row(long unixS, SensorOptions o, in SensorFeatures f)
    {
        var noReturn = f.Frames > 0 && f.Kind != SensorKind.Camera ? 1 - f.ValidRatio : float.NaN;
        return f.Kind switch
        {
            SensorKind.Lidar => new(
                unixS,
                o.Name,
                "lidar",
                f.Frames,
                noReturn,
                f.NearestM,
                f.MedianM,
                f.StrengthMedian,
                float.NaN,
                float.NaN,
                float.NaN,
                StateCode(f)
            ),
            SensorKind.Radar => new(
                unixS,
                o.Name,
                "radar",
                f.Frames,
                noReturn,
                float.NaN,
                f.RangeM,
                float.NaN,
                f.SnrDb,
                f.ClosingSpeedMps,
                float.NaN,
                StateCode(f)
            ),
            // gnss: frames and state only (the own speed is the snapshot's Motion, not stored here yet)
            SensorKind.Gnss => new(
                unixS,
                o.Name,
                "gnss",
                f.Frames,
                float.NaN,
                float.NaN,
                float.NaN,
                float.NaN,
                float.NaN,
                float.NaN,
                float.NaN,
                StateCode(f)
            ),
            _ => new(
                unixS,
                o.Name,
                "camera",
                f.Frames,
                float.NaN,
                float.NaN,
                float.NaN,
                float.NaN,
                float.NaN,
                float.NaN,
                f.VisibilityM,
                StateCode(f)
            ),
        };
    }

    /// <summary>0 never seen, 1 live, 2 stale, 3 frozen (the summaries' state column).</summary>
    public static int StateCode(in SensorFeatures f) =>
        !f.EverSeen ? 0
        : f.Stale ? 2
        : f.Frozen ? 3
        : 1;

    public static string StateName(int code) =>
        code switch
        {
            0 => "never-seen",
            1 => "live",
            2 => "stale",
            3 => "frozen",
            _ => "unknown",
        };
}
