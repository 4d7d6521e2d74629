namespace Kavach.Edge.Hosting;

/// <summary>The verbs.</summary>
public enum Verb
{
    Run,
    Demo,
    SelfTest,
    Version,
    Help,
}

/// <summary>Parsed command line. Hand-written: a handful of flags, no reflection.</summary>
public sealed record CommandLine(Verb Verb, string? ConfigPath, bool Help, bool Loop, string? Error)
{
    public const string Usage = """
        Usage:
          kavach-edge [run] [--config PATH]    run the daemon
          kavach-edge demo [--loop]            run the built-in scenario on loopback, no hardware needed
          kavach-edge selftest [--config PATH] check config, model, database, ports, outputs, uplink, board
          kavach-edge --version                print the version
          kavach-edge [VERB] --help            help

        Options:
          --config PATH   configuration file (default ./kavach.json when present, else /etc/kavach/kavach.json);
                          KAVACH_Section__Key environment variables override single keys
          --loop          demo: repeat the scenario until Ctrl-C or SIGTERM

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

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var verb = Verb.Run;
        string? config = null;
        bool help = false, loop = false, verbSeen = false;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            switch (a)
            {
                case "run" when !verbSeen: verb = Verb.Run; verbSeen = true; break;
                case "demo" when !verbSeen: verb = Verb.Demo; verbSeen = true; break;
                case "selftest" when !verbSeen: verb = Verb.SelfTest; verbSeen = true; break;
                case "--version" or "-V": verb = Verb.Version; break;
                case "--help" or "-h" or "help" when a != "help" || !verbSeen:
                    help = true;
                    if (!verbSeen && a == "help") verb = Verb.Help;
                    break;
                case "--config" or "-c":
                    if (i + 1 >= args.Count || args[i + 1].StartsWith('-')) return Fail($"{a} needs a PATH");
                    config = args[++i];
                    break;
                case "--loop" when verb == Verb.Demo: loop = true; break;
                default:
                    if (a.StartsWith("--config=", StringComparison.Ordinal)) { config = a["--config=".Length..]; break; }
                    return Fail(a.StartsWith('-') ? $"unknown option '{a}'" : $"unknown verb '{a}'");
            }
        }
        if (config is not null && verb == Verb.Demo) return Fail("demo runs on embedded defaults and takes no --config");
        return new CommandLine(verb, config, help, loop, null);

        static CommandLine Fail(string error) => new(Verb.Help, null, false, false, error);
    }
}
