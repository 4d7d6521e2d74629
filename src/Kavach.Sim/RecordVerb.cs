namespace Kavach.Sim;

/// <summary><c>kavach-sim record</c>: saves the raw bytes of a source with their arrival times.</summary>
internal static class RecordVerb
{
    public const string Usage = """
        usage: kavach-sim record --from SOURCE --out FILE [--duration S]
          --from SOURCE   tcp://HOST:PORT (connect), tcp-listen://HOST:PORT (first client), serial:///dev/ttyX?baud=N, /dev/PATH
          --out FILE      the recording (format: docs/simulator.md)
          --duration S    stop after S seconds (default: until the source closes or Ctrl+C)
        """;

    public static async Task<int> ExecuteAsync(
        ArgReader args,
        TextWriter stdout,
        TextWriter stderr,
        TimeProvider time,
        CancellationToken ct
    )
    {
        OutputTarget? from = null;
        string? file = null;
        double? duration = null;
        while (args.Next(out var option, out var value))
        {
            switch (option)
            {
                case "--from":
                    if (!OutputTarget.TryParse(args.Value(option, value), out var t, out var error))
                        throw new UsageException($"--from: {error}");
                    if (t.Kind is not (OutputKind.TcpConnect or OutputKind.TcpListen or OutputKind.Serial))
                        throw new UsageException($"--from: cannot record from '{t.Text}'");
                    from = t;
                    break;
                case "--out":
                    file = args.Value(option, value);
                    break;
                case "--duration":
                    duration = ArgReader.PositiveDouble(option, args.Value(option, value));
                    break;
                case null:
                    throw new UsageException($"unexpected argument '{value}'");
                default:
                    throw new UsageException($"unknown option '{option}'");
            }
        }
        if (from is null)
            throw new UsageException("give --from SOURCE");
        if (file is null)
            throw new UsageException("give --out FILE");

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (duration is { } d)
            limit.CancelAfter(TimeSpan.FromSeconds(d));
        long chunks = 0,
            bytes = 0;
        try
        {
            await using var source = await Outputs.OpenSourceAsync(from, limit.Token).ConfigureAwait(false);
            await using var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024);
            RecordFile.WriteHeader(output);
            var start = time.GetTimestamp();
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var n = await source.ReadAsync(buffer, limit.Token).ConfigureAwait(false);
                    if (n == 0)
                        break;
                    var us = (ulong)(time.GetElapsedTime(start).Ticks / (TimeSpan.TicksPerMillisecond / 1000));
                    RecordFile.WriteChunk(output, us, buffer.AsSpan(0, n));
                    chunks++;
                    bytes += n;
                }
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                // duration reached or Ctrl+C: keep what was recorded
            }
            catch (IOException e)
            {
                stderr.WriteLine($"kavach-sim record: the source failed: {e.Message} (keeping what was recorded)");
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"kavach-sim record: {e.Message}");
            return SimCli.Failed;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            stderr.WriteLine("kavach-sim record: stopped before the source connected");
            return SimCli.Failed;
        }
        stdout.WriteLine($"kavach-sim record: {chunks} chunks, {bytes} bytes to {file}");
        return SimCli.Ok;
    }
}
