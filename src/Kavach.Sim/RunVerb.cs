using Kavach.Simulation;

namespace Kavach.Sim;

/// <summary><c>kavach-sim run</c>: plays a scenario to the given outputs.</summary>
internal static class RunVerb
{
    public const string Usage = """
        usage: kavach-sim run SCENARIO [options]
          SCENARIO            a built-in name (kavach-sim list) or a scenario .json file
          --sensor NAME=OUTPUT  send sensor NAME to OUTPUT (repeat per sensor; sensors without one are not played)
          --seed N            override the scenario's seed
          --speed X           scenario seconds per wall second (default 1)
          --rate-scale X      multiply every sensor's frame rate (default 1)
          --max-lag S         frames more than S wall seconds late are dropped, as a sensor would (default 1)
          --loop              start again at the end, until Ctrl+C
          --quiet             do not print the world state each second
          --truth FILE        write the ground truth as JSON lines every 0.25 scenario seconds (- = stdout):
                              time, visibility, obstacle; locomotive: train speed, obstacle on the track in reach
        OUTPUT: tcp://HOST:PORT | tcp-listen://HOST:PORT | serial:///dev/ttyX?baud=N | /dev/PATH
                | mqtt://HOST[:PORT]/TOPIC | - (stdout)
        """;

    public static async Task<int> ExecuteAsync(
        ArgReader args,
        TextWriter stdout,
        TextWriter stderr,
        TimeProvider time,
        CancellationToken ct
    )
    {
        string? scenarioArg = null;
        var options = new PlayerOptions();
        var outputs = new Dictionary<string, OutputTarget>(StringComparer.Ordinal);
        var quiet = false;
        string? truthPath = null;
        while (args.Next(out var option, out var value))
        {
            switch (option)
            {
                case null when scenarioArg is null:
                    scenarioArg = value;
                    break;
                case null:
                    throw new UsageException($"unexpected argument '{value}'");
                case "--seed":
                    options = options with { Seed = ArgReader.Seed(option, args.Value(option, value)) };
                    break;
                case "--speed":
                    options = options with { Speed = ArgReader.PositiveDouble(option, args.Value(option, value)) };
                    break;
                case "--rate-scale":
                    options = options with { RateScale = ArgReader.PositiveDouble(option, args.Value(option, value)) };
                    break;
                case "--max-lag":
                    options = options with { MaxLagS = ArgReader.PositiveDouble(option, args.Value(option, value)) };
                    break;
                case "--loop":
                    options = options with { Loop = true };
                    break;
                case "--quiet":
                    quiet = true;
                    break;
                case "--truth":
                    truthPath = args.Value(option, value);
                    break;
                case "--sensor":
                    var pair = args.Value(option, value);
                    var eq = pair.IndexOf('=');
                    if (eq <= 0 || eq == pair.Length - 1)
                        throw new UsageException($"--sensor: '{pair}' is not NAME=OUTPUT");
                    if (!OutputTarget.TryParse(pair[(eq + 1)..], out var target, out var error))
                        throw new UsageException($"--sensor: {error}");
                    if (!outputs.TryAdd(pair[..eq], target))
                        throw new UsageException($"--sensor: '{pair[..eq]}' given twice");
                    break;
                default:
                    throw new UsageException($"unknown option '{option}'");
            }
        }
        if (scenarioArg is null)
            throw new UsageException("give a SCENARIO (a built-in name or a .json file)");
        if (outputs.Count == 0)
            throw new UsageException("give at least one --sensor NAME=OUTPUT");

        var scenario = ScenarioArgument.Load(scenarioArg, stderr);
        if (scenario is null)
            return SimCli.Failed;
        foreach (var name in outputs.Keys)
        {
            if (!scenario.Sensors.Any(s => s.Name == name))
                throw new UsageException(
                    $"--sensor: scenario '{scenario.Name}' has no sensor '{name}' (it has {string.Join(", ", scenario.Sensors.Select(s => s.Name))})"
                );
        }

        // Bytes (or the ground truth) on stdout leave the console for the world state on stderr.
        var bytesOnStdout = outputs.Values.Any(o => o.Kind == OutputKind.Stdout);
        if (truthPath == "-" && bytesOnStdout)
            throw new UsageException("--truth -: stdout already carries a sensor's bytes; give a file");
        var log = bytesOnStdout || truthPath == "-" ? stderr : stdout;
        using var truth = OpenTruth(truthPath, stdout, stderr);
        if (truthPath is not null && truth is null)
            return SimCli.Failed;
        using var listeners = new ListenerCache();
        options = options with
        {
            Sensors = [.. outputs.Keys],
            StepIntervalS = truth is null ? 1 : TruthIntervalS,
            OnStep = Step(quiet ? null : log, truth),
            OnOutputError = (sensor, e) => stderr.WriteLine($"kavach-sim: {sensor}: output {outputs[sensor].Text}: {e.Message} (retrying)"),
        };
        ValueTask<Stream> Open(string sensor, CancellationToken token) =>
            Outputs.OpenAsync(
                outputs[sensor],
                scenario.Sensor(sensor).Protocol,
                $"kavach-sim-{sensor}-{Environment.ProcessId}",
                listeners,
                token
            );

        log.WriteLine(
            FormattableString.Invariant(
                $"kavach-sim: playing '{scenario.Name}' ({scenario.DurationS:0.#} s, seed {options.Seed ?? scenario.Seed}) at speed {options.Speed:0.##}"
            )
        );
        var player = new ScenarioPlayer();
        await player.RunAsync(scenario, Open, options, time, ct).ConfigureAwait(false);
        foreach (var (name, c) in player.Counters)
            log.WriteLine(
                $"kavach-sim: {name}: {c.Frames} frames, {c.Bytes} bytes, {c.SkippedFrames} skipped, {c.Failures} output failures"
            );
        return SimCli.Ok;
    }

    /// <summary>Scenario seconds between ground-truth lines: the daemon's scenario tests sample at this rate too.</summary>
    private const double TruthIntervalS = 0.25;

    // The console line once a scenario second, the ground truth at every step; the player calls this from one task.
    private static Action<WorldState>? Step(TextWriter? console, TextWriter? truth)
    {
        if (console is null && truth is null)
            return null;
        return s =>
        {
            truth?.WriteLine(s.ToJsonLine());
            truth?.Flush();
            if (console is not null && Math.Abs(s.TimeS - Math.Round(s.TimeS)) < 1e-6)
                console.WriteLine(s.ToString());
        };
    }

    private static TextWriter? OpenTruth(string? path, TextWriter stdout, TextWriter stderr)
    {
        if (path is null)
            return null;
        if (path == "-")
            return TextWriter.Synchronized(new NonClosingWriter(stdout));
        try
        {
            return new StreamWriter(path, append: false) { AutoFlush = false };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DirectoryNotFoundException)
        {
            stderr.WriteLine($"kavach-sim: --truth {path}: {e.Message}");
            return null;
        }
    }

    /// <summary>Lets <c>using</c> dispose a writer over stdout without closing stdout.</summary>
    private sealed class NonClosingWriter(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void Write(string? value) => inner.Write(value);

        public override void WriteLine(string? value) => inner.WriteLine(value);

        public override void Flush() => inner.Flush();

        protected override void Dispose(bool disposing) => inner.Flush();
    }
}

/// <summary>Loads a scenario argument: a file when one exists (or it looks like a path), else a built-in name.</summary>
internal static class ScenarioArgument
{
    /// <summary>The scenario, or null after printing why it is unusable; an unknown name is a usage error.</summary>
    public static Scenario? Load(string arg, TextWriter stderr)
    {
        var looksLikePath = arg.Contains('/') || arg.Contains('\\') || File.Exists(arg);
        if (!looksLikePath && !Scenario.BuiltInNames.Contains(arg.EndsWith(".json", StringComparison.Ordinal) ? arg[..^5] : arg))
            throw new UsageException($"'{arg}' is neither a file nor a built-in scenario ({string.Join(", ", Scenario.BuiltInNames)})");
        if (looksLikePath && !File.Exists(arg))
            throw new UsageException($"scenario file '{arg}' does not exist");
        try
        {
            return Scenario.LoadOrBuiltIn(arg);
        }
        catch (ScenarioException e)
        {
            stderr.WriteLine($"kavach-sim: {e.Message}");
            return null;
        }
    }
}
