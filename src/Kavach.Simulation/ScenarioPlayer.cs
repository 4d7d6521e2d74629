namespace Kavach.Simulation;

/// <summary>
/// Plays a scenario against output streams in real or accelerated time. Every sensor runs on its own task with
/// its own <see cref="World"/> and <see cref="SimSensor"/>, writes frames at its rate (frames due together share
/// one write from a reused buffer: no allocation per frame) and reopens its output with capped backoff when it
/// fails, so a restarting daemon or a dropped connection never stops the others. Time comes only from the
/// injected <see cref="TimeProvider"/> (tests use FakeTimeProvider). The bytes depend only on the seed and the
/// frame schedule, never on timing, unless frames are skipped (<see cref="PlayerOptions.MaxLagS"/>, a dead
/// output). The player owns the streams <c>openOutput</c> returns and disposes them. One run per instance at a time.
/// </summary>
public sealed class ScenarioPlayer
{
    private readonly Dictionary<string, PlayerSensorCounters> _counters = new(StringComparer.Ordinal);

    /// <summary>Counters per sensor name of the current or last run.</summary>
    public IReadOnlyDictionary<string, PlayerSensorCounters> Counters => _counters;

    /// <summary>Play <paramref name="scenario"/> at <paramref name="speed"/> with default options.</summary>
    public Task RunAsync(
        Scenario scenario,
        Func<string, CancellationToken, ValueTask<Stream>> openOutput,
        double speed,
        TimeProvider time,
        CancellationToken ct
    ) => RunAsync(scenario, openOutput, new PlayerOptions { Speed = speed }, time, ct);

    /// <summary>
    /// Play <paramref name="scenario"/>: completes when every sensor has sent its last frame (never with
    /// <see cref="PlayerOptions.Loop"/>); throws <see cref="OperationCanceledException"/> when <paramref name="ct"/> fires.
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="openOutput">Opens the output of the sensor with the given name; called again after a failure.</param>
    /// <param name="options">Speed, rate scale, seed, step callback, ...</param>
    /// <param name="time">The clock.</param>
    /// <param name="ct">Stops the run.</param>
    public async Task RunAsync(
        Scenario scenario,
        Func<string, CancellationToken, ValueTask<Stream>> openOutput,
        PlayerOptions options,
        TimeProvider time,
        CancellationToken ct
    )
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(openOutput);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (!(options.Speed > 0) || double.IsInfinity(options.Speed))
            throw new ArgumentOutOfRangeException(nameof(options), "Speed must be > 0");
        if (!(options.RateScale > 0) || double.IsInfinity(options.RateScale))
            throw new ArgumentOutOfRangeException(nameof(options), "RateScale must be > 0");
        if (options.WriteBufferBytes < SimSensor.MaxFrameBytes)
            throw new ArgumentOutOfRangeException(nameof(options), $"WriteBufferBytes must be ≥ {SimSensor.MaxFrameBytes}");

        var seed = options.Seed ?? scenario.Seed;
        var sensors = scenario.Sensors.Where(s => options.Sensors is null || options.Sensors.Contains(s.Name)).ToList();
        if (options.Sensors is not null)
        {
            foreach (var name in options.Sensors)
                if (!scenario.Sensors.Any(s => s.Name == name))
                    throw new ArgumentException($"scenario '{scenario.Name}' has no sensor '{name}'", nameof(options));
        }

        _counters.Clear();
        foreach (var s in sensors)
            _counters[s.Name] = new PlayerSensorCounters();

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var start = time.GetTimestamp();
        var tasks = new List<Task>();
        foreach (var spec in sensors)
            tasks.Add(
                Task.Run(
                    () => RunSensorAsync(scenario, spec, seed, openOutput, options, time, start, _counters[spec.Name], linked.Token),
                    linked.Token
                )
            );
        if (options.OnStep is not null)
            tasks.Add(Task.Run(() => RunStepsAsync(scenario, options, time, start, linked.Token), linked.Token));

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            await linked.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch
            { /* the first failure is rethrown below */
            }
            throw;
        }
    }

    private static async Task RunSensorAsync(
        Scenario scenario,
        SensorSpec spec,
        ulong seed,
        Func<string, CancellationToken, ValueTask<Stream>> openOutput,
        PlayerOptions options,
        TimeProvider time,
        long start,
        PlayerSensorCounters counters,
        CancellationToken ct
    )
    {
        var world = new World(scenario);
        var sensor = new SimSensor(spec, seed);
        var rate = spec.RateHz * options.RateScale;
        var schedule = new Schedule(rate, options.Speed);
        var total = options.Loop ? long.MaxValue : (long)Math.Ceiling(scenario.DurationS * rate - 1e-9);
        var buffer = new byte[options.WriteBufferBytes];
        var maxLagTicks = (long)(options.MaxLagS * TimeSpan.TicksPerSecond);
        var backoff = options.ReopenInitialDelay;
        Stream? output = null;
        long k = 0;
        try
        {
            while (k < total)
            {
                ct.ThrowIfCancellationRequested();
                if (output is null)
                {
                    try
                    {
                        output = await openOutput(spec.Name, ct).ConfigureAwait(false);
                        counters.Opens++;
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        counters.Failures++;
                        options.OnOutputError?.Invoke(spec.Name, e);
                        await Task.Delay(backoff, time, ct).ConfigureAwait(false);
                        backoff = Next(backoff, options.ReopenMaxDelay);
                        k = SkipLate(k, total, schedule, time.GetElapsedTime(start).Ticks, 0, counters);
                        continue;
                    }
                }

                var now = time.GetElapsedTime(start).Ticks;
                var due = schedule.DueTicks(k);
                if (now < due)
                {
                    await Task.Delay(TimeSpan.FromTicks(due - now), time, ct).ConfigureAwait(false);
                    continue;
                }
                k = SkipLate(k, total, schedule, now, maxLagTicks, counters);

                var n = 0;
                while (k < total && schedule.DueTicks(k) <= now && n + SimSensor.MaxFrameBytes <= buffer.Length)
                {
                    var t = k / rate;
                    if (options.Loop)
                        t %= scenario.DurationS;
                    world.AdvanceTo(t);
                    var sample = sensor.Sample(world);
                    n += sensor.Encode(sample, buffer.AsSpan(n));
                    k++;
                    counters.Frames++;
                }
                if (n == 0)
                    continue;

                try
                {
                    await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    await output.FlushAsync(ct).ConfigureAwait(false);
                    counters.Bytes += n;
                    counters.Writes++;
                    backoff = options.ReopenInitialDelay;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    counters.Failures++;
                    options.OnOutputError?.Invoke(spec.Name, e);
                    await DisposeQuietly(output).ConfigureAwait(false);
                    output = null;
                    await Task.Delay(backoff, time, ct).ConfigureAwait(false);
                    backoff = Next(backoff, options.ReopenMaxDelay);
                }
            }
        }
        finally
        {
            if (output is not null)
                await DisposeQuietly(output).ConfigureAwait(false);
        }
    }

    private static async Task RunStepsAsync(Scenario scenario, PlayerOptions options, TimeProvider time, long start, CancellationToken ct)
    {
        var world = new World(scenario);
        var interval = options.StepIntervalS > 0 ? options.StepIntervalS : 1;
        var schedule = new Schedule(1 / interval, options.Speed);
        for (long j = 0; options.Loop || j * interval <= scenario.DurationS + 1e-9; j++)
        {
            var now = time.GetElapsedTime(start).Ticks;
            var due = schedule.DueTicks(j);
            if (now < due)
                await Task.Delay(TimeSpan.FromTicks(due - now), time, ct).ConfigureAwait(false);
            var t = j * interval;
            if (options.Loop)
                t %= scenario.DurationS;
            world.AdvanceTo(Math.Min(t, scenario.DurationS));
            options.OnStep!(world.State);
        }
    }

    // Frames further behind than maxLagTicks are dropped, as a sensor would not have buffered them.
    private static long SkipLate(long k, long total, Schedule schedule, long now, long maxLagTicks, PlayerSensorCounters counters)
    {
        if (k >= total || now - schedule.DueTicks(k) <= maxLagTicks)
            return k;
        var target = Math.Min(total, schedule.FirstDueAfter(now - maxLagTicks));
        if (target > k)
        {
            counters.SkippedFrames += target - k;
            return target;
        }
        return k;
    }

    private static TimeSpan Next(TimeSpan backoff, TimeSpan max) => backoff * 2 > max ? max : backoff * 2;

    private static async ValueTask DisposeQuietly(Stream s)
    {
        try
        {
            await s.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        { /* a broken output may fail to close; it is being replaced */
        }
    }

    /// <summary>Frame k is due at ceil(k / (rate · speed)) seconds of wall time, in integer ticks (no drift, no zero-length
    /// waits).</summary>
    private readonly struct Schedule(double rateHz, double speed)
    {
        private readonly double _ticksPerFrame = TimeSpan.TicksPerSecond / (rateHz * speed);

        public long DueTicks(long k) => (long)Math.Ceiling(k * _ticksPerFrame);

        public long FirstDueAfter(long ticks) => Math.Max(0, (long)Math.Ceiling(ticks / _ticksPerFrame));
    }
}
