namespace Kavach.Edge.Hosting;

/// <summary>The verbs.</summary>
public enum Verb
{
    Run,
    Demo,
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
          kavach-edge --version                print the version
          kavach-edge [VERB] --help            help

        Options:
          --config PATH   configuration file (default ./kavach.json when present, else /etc/kavach/kavach.json);
                          KAVACH_Section__Key environment variables override single keys
          --loop          demo: repeat the scenario until Ctrl-C

        Exit codes: 0 clean stop, 1 fatal run-time failure, 2 usage or configuration error.
        Kavach Edge is an advisory warning device beside the signalling system, not a signal.
        """;

    public const string RunHelp = """
        Usage: kavach-edge [run] [--config PATH]

        Runs the daemon: reads the sensors in the configuration, fuses them on a fixed tick, assesses fog and
        obstacle risk on the deterministic safety floor, records every level change in SQLite and drives the
        outputs. Stops cleanly on SIGTERM or Ctrl-C. A bad configuration exits 2 with one line per problem.

        --config PATH   configuration file (default ./kavach.json when present, else /etc/kavach/kavach.json)
        """;

    public const string DemoHelp = """
        Usage: kavach-edge demo [--loop]

        Runs the main job end to end on embedded defaults, with no hardware and no external service: a
        built-in scenario (clear → fog rolls in → an obstacle approaches in dense fog → fog lifts) streams
        sensor frames over loopback TCP into the same decoders a real sensor uses. SQLite goes to
        ./data/demo/. Binds only loopback ports the system picks and prints them. Finishes by itself in
        under a minute (or repeats with --loop until Ctrl-C) and prints the level changes it saw.
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
