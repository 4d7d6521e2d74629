namespace Kavach.Edge.Hosting;

/// <summary>The verbs.</summary>
public enum Verb
{
    Run,
    Demo,
    SelfTest,
    Commission,
    Version,
    Help,
}

/// <summary>Parsed command line. Hand-written: a handful of flags, no reflection.</summary>
public sealed record CommandLine(Verb Verb, string? ConfigPath, bool Help, bool Loop, string? Error)
{
    /// <summary>commission: seconds of clear air to learn from.</summary>
    public int Seconds { get; init; } = Commissioning.CommissionCommand.DefaultSeconds;

    /// <summary>commission: the technician confirmed clear air and an empty track on the command line.</summary>
    public bool Yes { get; init; }

    public const string Usage = """
        Usage:
          kavach-edge [run] [--config PATH]    run the daemon
          kavach-edge demo [--loop]            run the built-in scenario on loopback, no hardware needed
          kavach-edge selftest [--config PATH] check config, model, database, ports, outputs, uplink, board
          kavach-edge commission [--config PATH] [--seconds N] [--yes]
                                               learn the post's static scene in clear air with the track empty
          kavach-edge --version                print the version
          kavach-edge [VERB] --help            help

        Options:
          --config PATH   configuration file (default ./kavach.json when present, else /etc/kavach/kavach.json);
                          KAVACH_Section__Key environment variables override single keys
          --loop          demo: repeat the scenario until Ctrl-C or SIGTERM
          --seconds N     commission: seconds of clear air to learn from (default 60)
          --yes           commission: the air is clear and the track empty (for scripts; else it asks)

        Exit codes: 0 clean stop (selftest: all passed), 1 fatal run-time failure (selftest: a check failed),
        2 usage or configuration error.
        Kavach Edge is an advisory warning device beside the signalling system, not a signal.
        """;

    public const string RunHelp = """
        Usage: kavach-edge [run] [--config PATH]

        Runs the daemon: reads the sensors in the configuration, fuses them on a fixed tick, assesses fog and
        obstacle risk on the deterministic safety floor, records every level change in SQLite and drives the
        outputs. Stops cleanly on SIGTERM or SIGINT (Ctrl-C). A bad configuration exits 2 with one line per problem.

        --config PATH   configuration file (default ./kavach.json when present, else /etc/kavach/kavach.json)
        """;

    public const string DemoHelp = """
        Usage: kavach-edge demo [--loop]

        Runs the main job end to end on embedded defaults, with no hardware and no external service: a
        built-in scenario (clear → fog rolls in → an obstacle approaches in dense fog → fog lifts) streams
        sensor frames over loopback TCP into the same decoders a real sensor uses. SQLite goes to
        ./data/demo/. Binds only loopback ports the system picks and prints them. Finishes by itself in
        under a minute (or repeats with --loop until Ctrl-C or SIGTERM) and prints the level changes it saw.
        """;

    public const string SelfTestHelp = """
        Usage: kavach-edge selftest [--config PATH]

        What a technician runs at install, on the configuration the service reads: the configuration is
        valid; the model (when enabled) loads and answers; the SQLite database is writable (a write, rolled
        back); each sensor's serial port opens, tcp-listen address binds, tcp-client peer answers; the alarm
        outputs; the uplink broker answers (TLS handshake included when configured); board health (CPU
        temperature, Raspberry Pi throttling, clock synchronised). When the service is running it holds the
        ports and lines: they are reported as held, and the service's heartbeat is checked instead.
        Run it as the service user to test its permissions: sudo -u kavach /opt/kavach-edge/kavach-edge selftest

        Prints a PASS/FAIL/SKIP table. Exit codes: 0 no check failed, 1 a check failed, 2 usage or configuration error.

        --config PATH   configuration file (default ./kavach.json when present, else /etc/kavach/kavach.json)
        """;

    public const string CommissionHelp = """
        Usage: kavach-edge commission [--config PATH] [--seconds N] [--yes]

        Commissions a post: with the service stopped, in clear air and with the track section empty, runs the
        configured sensors for N seconds (default 60) and learns the static scene — each LiDAR's static returns and
        clear-air baseline, each radar's static targets, the reference target — and each sensor's reach against the
        protected zone. Writes a versioned record (Commissioning.RecordPath, default commissioning.json beside the
        database) atomically and prints a report: what was found, what is covered, what is not. The daemon loads the
        record at start; values set by hand in the configuration win. docs/commissioning.md explains it all.

        It asks you to confirm that the air is clear and the track empty; --yes confirms it for scripts. Without a
        terminal to ask on and without --yes it refuses.
        Exit codes: 0 record written, 1 failed (a sensor silent, the service running), 2 configuration refused or not confirmed.

        --config PATH   configuration file (default ./kavach.json when present, else /etc/kavach/kavach.json)
        --seconds N     seconds of clear air to learn from (5-3600)
        --yes           the air is clear and the track empty
        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var verb = Verb.Run;
        string? config = null;
        bool help = false,
            loop = false,
            verbSeen = false,
            yes = false;
        int? seconds = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            switch (a)
            {
                case "run" when !verbSeen:
                    verb = Verb.Run;
                    verbSeen = true;
                    break;
                case "demo" when !verbSeen:
                    verb = Verb.Demo;
                    verbSeen = true;
                    break;
                case "selftest" when !verbSeen:
                    verb = Verb.SelfTest;
                    verbSeen = true;
                    break;
                case "commission" when !verbSeen:
                    verb = Verb.Commission;
                    verbSeen = true;
                    break;
                case "--version" or "-V":
                    verb = Verb.Version;
                    break;
                case "--help" or "-h" or "help" when a != "help" || !verbSeen:
                    help = true;
                    if (!verbSeen && a == "help")
                        verb = Verb.Help;
                    break;
                case "--config" or "-c":
                    if (i + 1 >= args.Count || args[i + 1].StartsWith('-'))
                        return Fail($"{a} needs a PATH");
                    config = args[++i];
                    break;
                case "--loop" when verb == Verb.Demo:
                    loop = true;
                    break;
                case "--yes" or "-y" when verb == Verb.Commission:
                    yes = true;
                    break;
                case "--seconds" when verb == Verb.Commission:
                    if (
                        i + 1 >= args.Count
                        || !int.TryParse(
                            args[i + 1],
                            System.Globalization.NumberStyles.None,
                            System.Globalization.CultureInfo.InvariantCulture,
                            out var n
                        )
                        || n < 5
                        || n > 3600
                    )
                        return Fail("--seconds needs a whole number of seconds, 5-3600");
                    seconds = n;
                    i++;
                    break;
                default:
                    if (a.StartsWith("--config=", StringComparison.Ordinal))
                    {
                        config = a["--config=".Length..];
                        break;
                    }
                    return Fail(a.StartsWith('-') ? $"unknown option '{a}'" : $"unknown verb '{a}'");
            }
        }
        if (config is not null && verb == Verb.Demo)
            return Fail("demo runs on embedded defaults and takes no --config");
        return new CommandLine(verb, config, help, loop, null)
        {
            Yes = yes,
            Seconds = seconds ?? Commissioning.CommissionCommand.DefaultSeconds,
        };

        static CommandLine Fail(string error) => new(Verb.Help, null, false, false, error);
    }
}
