namespace Kavach.Sim;

/// <summary><c>kavach-sim replay</c>: sends a recording's bytes with their original timing (scaled by --speed).</summary>
internal static class ReplayVerb
{
    public const string Usage = """
        usage: kavach-sim replay FILE --to OUTPUT [--speed X]
          FILE          a recording made by kavach-sim record
          --to OUTPUT   tcp://HOST:PORT | tcp-listen://HOST:PORT (waits for a client) | serial:///dev/ttyX?baud=N
                        | /dev/PATH | mqtt://HOST[:PORT]/TOPIC | - (stdout)
          --speed X     time scale (default 1; 10 = ten times faster)
        """;

    public static async Task<int> ExecuteAsync(
        ArgReader args,
        TextWriter stdout,
        TextWriter stderr,
        TimeProvider time,
        CancellationToken ct
    )
    {
        string? file = null;
        OutputTarget? to = null;
        var speed = 1.0;
        while (args.Next(out var option, out var value))
        {
            switch (option)
            {
                case null when file is null:
                    file = value;
                    break;
                case null:
                    throw new UsageException($"unexpected argument '{value}'");
                case "--to":
                    if (!OutputTarget.TryParse(args.Value(option, value), out var t, out var error))
                        throw new UsageException($"--to: {error}");
                    to = t;
                    break;
                case "--speed":
                    speed = ArgReader.PositiveDouble(option, args.Value(option, value));
                    break;
                default:
                    throw new UsageException($"unknown option '{option}'");
            }
        }
        if (file is null)
            throw new UsageException("give the recording FILE");
        if (to is null)
            throw new UsageException("give --to OUTPUT");
        if (!File.Exists(file))
            throw new UsageException($"recording '{file}' does not exist");

        long chunks = 0,
            bytes = 0;
        var log = to.Kind == OutputKind.Stdout ? stderr : stdout;
        try
        {
            await using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            RecordFile.ReadHeader(input);
            using var listeners = new ListenerCache();
            if (to.Kind == OutputKind.TcpListen)
            {
                log.WriteLine($"kavach-sim replay: waiting for a client on {to.Text}");
                await listeners.Get(to).WaitForClientAsync(ct).ConfigureAwait(false);
            }
            await using var output = await Outputs
                .OpenAsync(to, Simulation.SimProtocol.JsonLines, $"kavach-sim-replay-{Environment.ProcessId}", listeners, ct)
                .ConfigureAwait(false);
            var start = time.GetTimestamp();
            while (RecordFile.TryReadChunk(input, out var offsetUs, out var data))
            {
                var due = TimeSpan.FromTicks((long)(offsetUs * 10 / speed));
                var wait = due - time.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, time, ct).ConfigureAwait(false);
                await output.WriteAsync(data, ct).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
                chunks++;
                bytes += data.Length;
            }
        }
        catch (InvalidDataException e)
        {
            stderr.WriteLine($"kavach-sim replay: {file}: {e.Message}");
            return SimCli.Failed;
        }
        catch (Exception e)
            when (e
                    is IOException
                        or System.Net.Sockets.SocketException
                        or UnauthorizedAccessException
                        or MQTTnet.Exceptions.MqttCommunicationException
            )
        {
            stderr.WriteLine($"kavach-sim replay: {to.Text}: {e.Message}");
            return SimCli.Failed;
        }
        log.WriteLine($"kavach-sim replay: {chunks} chunks, {bytes} bytes to {to.Text}");
        return SimCli.Ok;
    }
}
