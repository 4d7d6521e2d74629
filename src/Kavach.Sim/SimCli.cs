namespace Kavach.Sim;

/// <summary>The <c>kavach-sim</c> command line: verbs run, list, record, replay. Exit 0 done, 1 failed, 2 bad arguments.</summary>
internal static class SimCli
{
    public const int Ok = 0,
        Failed = 1,
        BadArguments = 2;

    public const string Usage = """
        kavach-sim: plays physics scenarios as real sensor wire formats.

        usage:
          kavach-sim run SCENARIO [--seed N] [--speed X] [--rate-scale X] [--loop] [--quiet] [--truth FILE] [--sensor NAME=OUTPUT]...
          kavach-sim list
          kavach-sim record --from SOURCE --out FILE [--duration S]
          kavach-sim replay FILE --to OUTPUT [--speed X]
          kavach-sim fleet --broker HOST:PORT --devices N --rate ALERTS_PER_S --seconds S [--bursts] [--restarts] [--manifest PATH]
          kavach-sim VERB --help

        OUTPUT: tcp://HOST:PORT | tcp-listen://HOST:PORT | serial:///dev/ttyX?baud=N | /dev/PATH (serial or pty)
                | mqtt://HOST[:PORT]/TOPIC | - (stdout)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time, CancellationToken ct)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? BadArguments : Ok;
        }

        var verb = args[0];
        var (usage, handler) = verb switch
        {
            "run" => (RunVerb.Usage, (Func<ArgReader, Task<int>>)(a => RunVerb.ExecuteAsync(a, stdout, stderr, time, ct))),
            "list" => (ListVerb.Usage, a => ListVerb.ExecuteAsync(a, stdout)),
            "record" => (RecordVerb.Usage, a => RecordVerb.ExecuteAsync(a, stdout, stderr, time, ct)),
            "replay" => (ReplayVerb.Usage, a => ReplayVerb.ExecuteAsync(a, stdout, stderr, time, ct)),
            "fleet" => (FleetVerb.Usage, a => FleetVerb.ExecuteAsync(a, stdout, stderr, time, ct)),
            _ => ((string?)null, (Func<ArgReader, Task<int>>?)null),
        };
        if (handler is null)
        {
            stderr.WriteLine($"kavach-sim: unknown verb '{verb}'");
            stderr.WriteLine(Usage);
            return BadArguments;
        }

        var reader = new ArgReader(args, 1);
        if (reader.HelpRequested)
        {
            stdout.WriteLine(usage);
            return Ok;
        }
        try
        {
            return await handler(reader).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"kavach-sim {verb}: {e.Message}");
            stderr.WriteLine(usage);
            return BadArguments;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Ok; // Ctrl+C: a normal way to stop
        }
    }
}
