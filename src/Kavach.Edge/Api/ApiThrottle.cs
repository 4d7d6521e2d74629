using System.Net;
using Kavach.Edge.Hosting;

namespace Kavach.Edge.Api;

/// <summary>
/// Brute-force protection of the API key, per remote address: <see cref="MaxWrongKeys"/> wrong keys within
/// <see cref="Window"/> lock the address out for <see cref="Lockout"/> — every request that needs the key is
/// then refused with 429, the right key too, without checking it. A wrong key is a presented <c>X-Api-Key</c>
/// header that does not match, or a wrong key at <c>POST /api/session</c>; a missing key, or a stale session
/// cookie (a browser after a restart), is not one. At most <see cref="MaxTracked"/> addresses are tracked
/// (when full: stale ones dropped first, then the least recently seen that is not locked out). Times are the <see cref="TimeProvider"/>'s
/// monotonic timestamps: a wall-clock step (NTP at boot, a board with no RTC) neither frees nor extends a
/// lockout. Thread-safe (one short lock); the check of an unknown address allocates nothing.
/// </summary>
public sealed class ApiThrottle
{
    public const int MaxWrongKeys = 10;
    public const int MaxTracked = 1024;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Lockout = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _time;
    private readonly long _windowTicks,
        _lockoutTicks;
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, Entry> _entries = [];
    private long _wrongKeys,
        _lockouts;

    public ApiThrottle(TimeProvider time, KavachMetrics? metrics = null)
    {
        _time = time;
        _windowTicks = (long)(Window.TotalSeconds * time.TimestampFrequency);
        _lockoutTicks = (long)(Lockout.TotalSeconds * time.TimestampFrequency);
        metrics?.Counter("api.auth.wrong_keys", () => WrongKeys, "{request}", "Requests refused for a wrong API key");
        metrics?.Counter(
            "api.auth.lockouts",
            () => Lockouts,
            "{lockout}",
            $"Addresses locked out after {MaxWrongKeys} wrong API keys within {Window.TotalSeconds:0} s"
        );
    }

    /// <summary>Wrong keys seen since start.</summary>
    public long WrongKeys => Interlocked.Read(ref _wrongKeys);

    /// <summary>Lockouts started since start.</summary>
    public long Lockouts => Interlocked.Read(ref _lockouts);

    /// <summary>Addresses tracked now (at most <see cref="MaxTracked"/>).</summary>
    public int Tracked
    {
        get
        {
            lock (_lock)
                return _entries.Count;
        }
    }

    /// <summary>True while <paramref name="address"/> is locked out; <paramref name="retryAfter"/> is what remains of it.</summary>
    public bool IsLockedOut(IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var key = Normalise(address);
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var e) || e.LockedUntil is not { } until)
                return false;
            var now = _time.GetTimestamp();
            if (now >= until)
            {
                _entries.Remove(key); // served its time: a clean slate
                return false;
            }
            retryAfter = TimeSpan.FromSeconds((until - now) / (double)_time.TimestampFrequency);
            return true;
        }
    }

    /// <summary>Counts a wrong key from <paramref name="address"/>; true when this one started a lockout (log it once).</summary>
    public bool RecordWrongKey(IPAddress? address)
    {
        Interlocked.Increment(ref _wrongKeys);
        var key = Normalise(address);
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (!_entries.TryGetValue(key, out var e))
            {
                if (_entries.Count >= MaxTracked)
                    Evict(now);
                e = new Entry();
                _entries.Add(key, e);
            }
            e.LastSeen = now;
            if (e.LockedUntil is { } until)
            {
                if (now < until)
                    return false; // a request that raced the lockout: already refused
                e.LockedUntil = null;
                e.Count = 0;
            }
            // A ring of the last MaxWrongKeys times: locked when the oldest of them is within the window.
            e.Times[e.Next] = now;
            e.Next = (e.Next + 1) % MaxWrongKeys;
            if (e.Count < MaxWrongKeys)
                e.Count++;
            if (e.Count < MaxWrongKeys || now - e.Times[e.Next] >= _windowTicks)
                return false;
            e.LockedUntil = now + _lockoutTicks;
            e.Count = 0;
            Interlocked.Increment(ref _lockouts);
            return true;
        }
    }

    // Under the lock, with the table full: drop what no longer matters; else the least recently seen address
    // not locked out (a flood of new addresses must not free a locked-out one); else the lockout ending first.
    private void Evict(long now)
    {
        IPAddress? unlocked = null,
            locked = null;
        long unlockedSeen = long.MaxValue,
            lockedUntil = long.MaxValue;
        foreach (var (k, e) in _entries)
        {
            if (e.LockedUntil is { } until)
            {
                if (now >= until)
                    _entries.Remove(k); // allowed while enumerating a Dictionary (.NET Core 3.0+)
                else if (until < lockedUntil)
                    (locked, lockedUntil) = (k, until);
            }
            else if (now - e.LastSeen >= _windowTicks)
                _entries.Remove(k);
            else if (e.LastSeen < unlockedSeen)
                (unlocked, unlockedSeen) = (k, e.LastSeen);
        }
        if (_entries.Count >= MaxTracked && (unlocked ?? locked) is { } victim)
            _entries.Remove(victim);
    }

    // One address, however it arrived: an IPv4 client of a dual-stack [::] listener is ::ffff:a.b.c.d.
    private static IPAddress Normalise(IPAddress? address) =>
        address is null ? IPAddress.None
        : address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
        : address;

    private sealed class Entry
    {
        public readonly long[] Times = new long[MaxWrongKeys];
        public int Next,
            Count;
        public long LastSeen;
        public long? LockedUntil;
    }
}
