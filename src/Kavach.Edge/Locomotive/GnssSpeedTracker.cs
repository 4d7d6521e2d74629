using Kavach.Protocols;

namespace Kavach.Edge.Locomotive;

/// <summary>Whether the train's own speed from GNSS can be used, and if not, why (a named degradation).</summary>
public enum SpeedTrust
{
    /// <summary>A fresh speed from a valid, autonomous or better fix with enough satellites.</summary>
    Trusted,

    /// <summary>No sentence has carried a speed yet.</summary>
    NeverSeen,

    /// <summary>The receiver says it has no fix (RMC status V, mode N, GGA quality 0): a tunnel, a cutting, a cold start.</summary>
    NoFix,

    /// <summary>The receiver is dead reckoning (mode E, GGA quality 6): an estimate, not a measurement.</summary>
    DeadReckoning,

    /// <summary>Too few satellites or a high HDOP in the latest GGA.</summary>
    PoorGeometry,

    /// <summary>No speed for longer than <see cref="GnssTrustOptions.StaleMs"/>: the receiver or its link went silent.</summary>
    Stale,
}

/// <summary>What makes a GNSS speed trustworthy. Defaults are stated in docs/locomotive.md.</summary>
public sealed record GnssTrustOptions
{
    /// <summary>A speed older than this is stale, ms. 1500: one and a half sentence intervals of a 1 Hz receiver, so
    /// a receiver that goes silent is shown within 2 s.</summary>
    public int StaleMs { get; init; } = 1500;

    /// <summary>Fewest satellites used (GGA) for a trusted speed.</summary>
    public int MinSatellites { get; init; } = 4;

    /// <summary>Highest HDOP (GGA) for a trusted speed.</summary>
    public double MaxHdop { get; init; } = 5;

    /// <summary>A course closer in time than this to the last one kept is skipped, s (the RMC and VTG of one fix).</summary>
    public double MinHeadingIntervalS { get; init; } = 0.2;

    /// <summary>The rate of turn is the least-squares slope of the courses over this many seconds (course noise
    /// averages out; a curve's entry and exit show with about half this delay).</summary>
    public double HeadingWindowS { get; init; } = 4;
}

/// <summary>The train's own motion as the locomotive functions see it.</summary>
/// <param name="SpeedMps">Speed over ground, m/s; NaN unless <see cref="Trust"/> is <see cref="SpeedTrust.Trusted"/>.</param>
/// <param name="CourseDeg">Course over ground, degrees true; NaN when unknown.</param>
/// <param name="HeadingRateDegPerS">Rate of turn, °/s, right positive; NaN when unknown (then the track is taken as straight).</param>
/// <param name="Trust">Whether the speed can be used.</param>
public readonly record struct OwnMotion(double SpeedMps, double CourseDeg, double HeadingRateDegPerS, SpeedTrust Trust)
{
    /// <summary>True when the speed can be used.</summary>
    public bool Trusted => Trust == SpeedTrust.Trusted;
}

/// <summary>
/// Turns decoded NMEA sentences into the train's own speed, course and rate of turn, and says when the speed cannot
/// be trusted (docs/locomotive.md, "Own speed"). Speed comes from RMC and VTG; GGA (when the receiver sends it and it
/// is fresh) adds fix quality, satellites and HDOP. Recovery needs no restart: the next good sentence is trusted.
/// Each sentence is taken at its own arrival timestamp; the <see cref="TimeProvider"/> measures intervals. Not thread-safe:
/// the fusion engine serialises it under its lock.
/// </summary>
public sealed class GnssSpeedTracker(TimeProvider time, GnssTrustOptions? options = null)
{
    private readonly GnssTrustOptions _options = options ?? new GnssTrustOptions();
    private long _speedAt = -1;
    private double _speedMps = double.NaN;
    private SpeedTrust _speedState = SpeedTrust.NeverSeen;
    private double _courseDeg = double.NaN;
    private long _courseAt = -1;
    private double _headingRate = double.NaN;

    // the recent courses (unwrapped, degrees) and their times, for the least-squares rate of turn
    private readonly long[] _turnAt = new long[HeadingSamples];
    private readonly double[] _turnDeg = new double[HeadingSamples];
    private int _turnCount;

    /// <summary>Most courses kept for the rate of turn (10 Hz over 4 s, with room).</summary>
    private const int HeadingSamples = 64;
    private long _ggaAt = -1;
    private SpeedTrust _ggaState = SpeedTrust.Trusted;

    /// <summary>Takes one decoded sentence that arrived at <paramref name="timestamp"/> (<see cref="TimeProvider.GetTimestamp"/>
    /// units).</summary>
    public void Observe(in NmeaFrame frame, long timestamp) =>
        Observe(
            frame.Sentence,
            frame.Valid,
            frame.Mode,
            frame.FixQuality,
            frame.Satellites,
            frame.Hdop,
            frame.SpeedMps,
            frame.CourseTrueDeg,
            timestamp
        );

    /// <summary>Takes one gnss reading (a sentence mapped by the nmea protocol), at its own arrival time.</summary>
    public void Observe(in Sensors.Reading reading) =>
        Observe(
            reading.GnssSentence,
            reading.GnssValid,
            reading.GnssMode,
            reading.FixQuality,
            reading.Satellites,
            reading.Hdop,
            reading.SpeedMps,
            reading.CourseDeg,
            reading.Timestamp
        );

    private void Observe(
        NmeaSentence sentence,
        bool valid,
        NmeaMode mode,
        int fixQuality,
        int satellites,
        double hdop,
        double speedMps,
        double courseDeg,
        long now
    )
    {
        if (sentence == NmeaSentence.Gga)
        {
            _ggaAt = now;
            _ggaState = fixQuality switch
            {
                0 => SpeedTrust.NoFix,
                6 => SpeedTrust.DeadReckoning,
                _ when satellites >= 0 && satellites < _options.MinSatellites => SpeedTrust.PoorGeometry,
                _ when hdop > _options.MaxHdop => SpeedTrust.PoorGeometry,
                _ => SpeedTrust.Trusted,
            };
            return;
        }

        // RMC or VTG: the speed.
        _speedAt = now;
        if (!valid || double.IsNaN(speedMps))
        {
            Lose(SpeedTrust.NoFix);
            return;
        }

        if (mode == NmeaMode.Estimated)
        {
            Lose(SpeedTrust.DeadReckoning);
            return;
        }

        _speedState = SpeedTrust.Trusted;
        _speedMps = speedMps;
        if (double.IsNaN(courseDeg))
            return;
        if (_courseAt >= 0)
        {
            var seconds = time.GetElapsedTime(_courseAt, now).TotalSeconds;
            if (seconds < _options.MinHeadingIntervalS)
                return; // keep the older course as the base
            // Across a silence the rate says little about the curve now, and below walking pace the course is noise:
            // start again from this course.
            if (seconds * 1000 > _options.StaleMs || _speedMps < TrackCorridor.MinSpeedForRadiusMps)
                _turnCount = 0;
        }

        AddCourse(courseDeg, now);
        _headingRate = _speedMps >= TrackCorridor.MinSpeedForRadiusMps ? TurnRate() : double.NaN;
        _courseDeg = courseDeg;
        _courseAt = now;
    }

    /// <summary>The motion as of now: a speed only while it is fresh and trusted.</summary>
    public OwnMotion Current() => Current(time.GetTimestamp());

    /// <summary>The motion as of <paramref name="now"/> (a fusion tick's timestamp).</summary>
    public OwnMotion Current(long now)
    {
        var trust = _speedState;
        if (trust == SpeedTrust.Trusted && time.GetElapsedTime(_speedAt, now).TotalMilliseconds > _options.StaleMs)
            trust = SpeedTrust.Stale;
        if (trust == SpeedTrust.Trusted && _ggaAt >= 0 && time.GetElapsedTime(_ggaAt, now).TotalMilliseconds <= _options.StaleMs)
            trust = _ggaState;
        return trust == SpeedTrust.Trusted
            ? new OwnMotion(_speedMps, _courseDeg, _headingRate, trust)
            : new OwnMotion(double.NaN, double.NaN, double.NaN, trust);
    }

    // Keeps the course (unwrapped against the previous one: 359° → 1° is +2°) and drops those older than the window.
    private void AddCourse(double courseDeg, long now)
    {
        var unwrapped =
            _turnCount == 0
                ? courseDeg
                : _turnDeg[_turnCount - 1] + TrackCorridor.HeadingRateDegPerS(_turnDeg[_turnCount - 1], courseDeg, 1);
        var drop = 0;
        while (drop < _turnCount && time.GetElapsedTime(_turnAt[drop], now).TotalSeconds > _options.HeadingWindowS)
            drop++;
        if (_turnCount - drop == HeadingSamples)
            drop++;
        if (drop > 0)
        {
            Array.Copy(_turnAt, drop, _turnAt, 0, _turnCount - drop);
            Array.Copy(_turnDeg, drop, _turnDeg, 0, _turnCount - drop);
            _turnCount -= drop;
        }
        _turnAt[_turnCount] = now;
        _turnDeg[_turnCount++] = unwrapped;
    }

    // The rate of turn, °/s: the least-squares slope of course over time across the window (one course pair is a
    // plain difference). A receiver's course carries noise of a few tenths of a degree; the change over half a second
    // on a 600 m curve at 60 km/h is 0.8°, so a slope over seconds, not a difference of two fixes, gives the radius.
    private double TurnRate()
    {
        if (_turnCount < 2)
            return double.NaN;
        double sumT = 0,
            sumC = 0;
        for (var i = 0; i < _turnCount; i++)
        {
            sumT += Seconds(i);
            sumC += _turnDeg[i];
        }
        double meanT = sumT / _turnCount,
            meanC = sumC / _turnCount,
            sxx = 0,
            sxy = 0;
        for (var i = 0; i < _turnCount; i++)
        {
            var dt = Seconds(i) - meanT;
            sxx += dt * dt;
            sxy += dt * (_turnDeg[i] - meanC);
        }
        return sxx > 0 ? sxy / sxx : double.NaN;

        double Seconds(int i) => time.GetElapsedTime(_turnAt[0], _turnAt[i]).TotalSeconds;
    }

    private void Lose(SpeedTrust why)
    {
        _speedState = why;
        _speedMps = double.NaN;
        _courseAt = -1; // a heading rate across a gap would span the gap
        _headingRate = double.NaN;
        _turnCount = 0;
    }
}
