using System.Globalization;

namespace Kavach.Sim;

/// <summary>What <c>kavach-sim fleet</c> was asked to do (validated by <see cref="FleetVerb"/>).</summary>
internal sealed record FleetOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1883;
    public int Devices { get; init; } = 100;
    public double RatePerS { get; init; } = 100;
    public double Seconds { get; init; } = 10;
    public ulong Seed { get; init; } = 1;
    public bool Restarts { get; init; }
    public bool Bursts { get; init; }
    public bool Wills { get; init; }
    public int Connections { get; init; }
    public double TelemetryS { get; init; } = 10;
    public string Prefix { get; init; } = "sim";
    public string? Manifest { get; init; }
    public bool Quiet { get; init; }
}

/// <summary><c>kavach-sim fleet</c>: N simulated posts' uplink streams to an MQTT 5 broker (see docs/simulator.md, "Fleet").</summary>
internal static class FleetVerb
{
    public const string Usage = """
        usage: kavach-sim fleet --broker HOST:PORT --devices N --rate ALERTS_PER_S --seconds S [options]
          --broker HOST:PORT   the MQTT 5 broker (port default 1883)
          --devices N          simulated posts (ids PREFIX-0001 …)
          --rate X             alerts per second over the whole fleet
          --seconds S          how long alerts are generated (then the backlog is drained)
          --seed K             device choice, epochs, instances, bursts and restarts (default 1)
          --bursts             now and then a post sends a burst of 10-50 alerts at once
          --restarts           about 1 post in 20 restarts during the run: offline, then online with a new
                               instance and a new epoch (seq from 1 again)
          --wills              one extra connection per post that carries only its retained status and its
                               last will; a restart then drops it so that the broker publishes the will
                               (default: statuses go through the shared connections; no last wills)
          --connections C      publishing connections shared by the posts (default min(N, 16)); each post
                               stays on one, so its alerts go out in seq order
          --telemetry-s T      each post's telemetry period (default 10; 0: none)
          --prefix P           device id prefix (default sim)
          --manifest PATH      write what the broker acknowledged (per post and epoch: seq ranges) as JSON
          --quiet              no progress line each second, no per-post lines at the end
        """;

    public static async Task<int> ExecuteAsync(
        ArgReader args,
        TextWriter stdout,
        TextWriter stderr,
        TimeProvider time,
        CancellationToken ct
    )
    {
        var o = new FleetOptions();
        bool broker = false,
            devices = false,
            rate = false,
            seconds = false;
        while (args.Next(out var option, out var value))
        {
            switch (option)
            {
                case null:
                    throw new UsageException($"unexpected argument '{value}'");
                case "--broker":
                    o = ParseBroker(o, args.Value(option, value));
                    broker = true;
                    break;
                case "--devices":
                    o = o with { Devices = PositiveInt(option, args.Value(option, value), 100_000) };
                    devices = true;
                    break;
                case "--rate":
                    o = o with { RatePerS = ArgReader.PositiveDouble(option, args.Value(option, value)) };
                    rate = true;
                    break;
                case "--seconds":
                    o = o with { Seconds = ArgReader.PositiveDouble(option, args.Value(option, value)) };
                    seconds = true;
                    break;
                case "--seed":
                    o = o with { Seed = ArgReader.Seed(option, args.Value(option, value)) };
                    break;
                case "--bursts":
                    o = o with { Bursts = true };
                    break;
                case "--restarts":
                    o = o with { Restarts = true };
                    break;
                case "--wills":
                    o = o with { Wills = true };
                    break;
                case "--connections":
                    o = o with { Connections = PositiveInt(option, args.Value(option, value), 1000) };
                    break;
                case "--telemetry-s":
                    o = o with { TelemetryS = NonNegative(option, args.Value(option, value)) };
                    break;
                case "--prefix":
                    var prefix = args.Value(option, value);
                    if (prefix.Length is 0 or > 50 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                        throw new UsageException($"--prefix: '{prefix}' is not 1-50 of A-Z a-z 0-9 _ - (a device id's characters)");
                    o = o with { Prefix = prefix };
                    break;
                case "--manifest":
                    o = o with { Manifest = args.Value(option, value) };
                    break;
                case "--quiet":
                    o = o with { Quiet = true };
                    break;
                default:
                    throw new UsageException($"unknown option '{option}'");
            }
        }
        if (!broker)
            throw new UsageException("give --broker HOST:PORT");
        if (!devices)
            throw new UsageException("give --devices N");
        if (!rate)
            throw new UsageException("give --rate ALERTS_PER_S");
        if (!seconds)
            throw new UsageException("give --seconds S");
        o = o with { Connections = Math.Min(o.Devices, o.Connections > 0 ? o.Connections : 16) };

        var run = new FleetRun(o, time, stdout);
        FleetReport report;
        try
        {
            report = await run.RunAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e)
            when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or IOException
                && !ct.IsCancellationRequested
            )
        {
            stderr.WriteLine($"kavach-sim fleet: {e.Message}");
            return SimCli.Failed;
        }
        report.Print(stdout, perDevice: !o.Quiet);
        if (o.Manifest is not null)
        {
            try
            {
                report.WriteManifest(o.Manifest);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"kavach-sim fleet: cannot write the manifest {o.Manifest}: {e.Message}");
                return SimCli.Failed;
            }
        }
        return report.Refused == 0 ? SimCli.Ok : SimCli.Failed;
    }

    private static FleetOptions ParseBroker(FleetOptions o, string text)
    {
        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? text : text[..colon];
        var port = 1883;
        if (
            host.Length == 0
            || (
                colon >= 0
                && (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            )
        )
            throw new UsageException($"--broker: '{text}' is not HOST:PORT");
        return o with { Host = host, Port = port };
    }

    private static int PositiveInt(string option, string text, int max)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1 || v > max)
            throw new UsageException($"{option}: '{text}' is not a whole number from 1 to {max}");
        return v;
    }

    private static double NonNegative(string option, string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v >= 0) || double.IsInfinity(v))
            throw new UsageException($"{option}: '{text}' is not a number ≥ 0");
        return v;
    }
}
