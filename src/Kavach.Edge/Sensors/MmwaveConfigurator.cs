using System.IO.Ports;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Sensors;

/// <summary>
/// Configures a TI mmWave radar through its CLI port (ConfigPort, 115200 baud) from a .cfg file (ConfigFile):
/// at every new connection of its data port, and again when the data port has been silent for longer than the
/// sensor's TimeoutMs (a brown-out restarts the radar unconfigured, and an unconfigured radar sends nothing).
/// Lines are sent one at a time; each must be answered with <c>Done</c> (or the <c>mmwDemo:/&gt;</c> prompt
/// without an error) within <see cref="LineTimeout"/>. Blank lines and '%' comments are skipped. The outcome is
/// logged once per attempt. Retries after silence back off (TimeoutMs doubling up to a minute).
/// </summary>
public sealed class MmwaveConfigurator(SensorState sensor, TimeProvider time, ILogger log)
{
    public const int CliBaud = 115200;
    public static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(1);

    /// <summary>Configuration attempts that succeeded (tests, health).</summary>
    public int Succeeded => Volatile.Read(ref _succeeded);
    private int _succeeded;

    public async Task RunAsync(CancellationToken ct)
    {
        long session = 0,
            lastAttempt = 0;
        var timeout = TimeSpan.FromMilliseconds(sensor.Options.TimeoutMs);
        var retry = timeout;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(Poll, time, ct).ConfigureAwait(false);
                if (sensor.Connection != ConnectionState.Connected)
                    continue;
                var now = time.GetTimestamp();
                if (sensor.Connects != session)
                {
                    session = sensor.Connects;
                    retry = timeout;
                    lastAttempt = now;
                    await ConfigureAsync("data port connected", ct).ConfigureAwait(false);
                    continue;
                }
                var last = sensor.LastFrameTimestamp;
                var silentFor = time.GetElapsedTime(Math.Max(last == long.MinValue ? 0 : last, lastAttempt), now);
                if (silentFor <= timeout || time.GetElapsedTime(lastAttempt, now) < retry)
                    continue;
                lastAttempt = now;
                retry = TimeSpan.FromTicks(Math.Min(MaxRetry.Ticks, retry.Ticks * 2));
                await ConfigureAsync($"no frame for {silentFor.TotalSeconds:0.#} s", ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>Sends the whole file once; true when every line was acknowledged.</summary>
    public async Task<bool> ConfigureAsync(string why, CancellationToken ct)
    {
        var o = sensor.Options;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(o.ConfigFile!).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('%')).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogError("Sensor {Sensor}: cannot read ConfigFile {File}: {Error}", sensor.Name, o.ConfigFile, e.Message);
            return false;
        }

        var port = SerialPorts.Create(o.ConfigPort!, CliBaud, readTimeoutMs: 100);
        string? failure;
        Task? send = null;
        try
        {
            await SerialPorts.OpenAsync(port, time, ct).ConfigureAwait(false);
            // Blocking CLI exchange on a worker; bounded so a dead port cannot hold it forever.
            var bound = LineTimeout * (lines.Length + 1);
            var exchange = Task.Run(() => Send(port, lines, time, ct), CancellationToken.None);
            send = exchange;
            failure = await exchange.WaitAsync(bound, time, ct).ConfigureAwait(false);
        }
        catch (Exception e)
            when (e is IOException or UnauthorizedAccessException or TimeoutException or InvalidOperationException or ArgumentException)
        {
            failure = $"{o.ConfigPort}: {e.Message}";
        }
        finally
        {
            if (send is not null)
                SerialPorts.Abandon(send); // on a timeout or stop it is still blocked in the port
            await SerialPorts.CloseAsync(port, sensor.Name, time, log).ConfigureAwait(false);
        }

        if (failure is null)
        {
            Interlocked.Increment(ref _succeeded);
            log.LogInformation(
                "Sensor {Sensor}: configured the radar ({Why}): {Count} lines from {File} via {Port}",
                sensor.Name,
                why,
                lines.Length,
                o.ConfigFile,
                o.ConfigPort
            );
            return true;
        }
        log.LogWarning("Sensor {Sensor}: configuring the radar ({Why}) failed: {Failure}", sensor.Name, why, failure);
        return false;
    }

    // Returns null on success, else what went wrong. The TI CLI echoes the command, then "Done" (or "Error ..."),
    // then the prompt "mmwDemo:/>". Each line's deadline is on the injected clock (tests drive it with a fake one).
    private static string? Send(SerialPort port, string[] lines, TimeProvider time, CancellationToken ct)
    {
        var buffer = new byte[1024];
        var answer = new StringBuilder();
        port.DiscardInBuffer();
        for (var i = 0; i < lines.Length; i++)
        {
            ct.ThrowIfCancellationRequested();
            port.Write(lines[i] + "\n");
            answer.Clear();
            var sent = time.GetTimestamp();
            while (true)
            {
                var text = answer.ToString();
                if (
                    text.Contains("Error", StringComparison.OrdinalIgnoreCase)
                    || text.Contains("not recognized", StringComparison.OrdinalIgnoreCase)
                )
                    return $"line {i + 1} '{lines[i]}' refused: {Flat(text)}";
                if (text.Contains("Done", StringComparison.Ordinal))
                    break;
                // a prompt after the echo of this very line (a stale prompt of the previous line does not count)
                var echo = text.IndexOf(lines[i], StringComparison.Ordinal);
                if (echo >= 0 && text.IndexOf(Prompt, echo + lines[i].Length, StringComparison.Ordinal) >= 0)
                    break;
                if (time.GetElapsedTime(sent) > LineTimeout)
                    return $"line {i + 1} '{lines[i]}': no answer within {LineTimeout.TotalSeconds:0} s";
                try
                {
                    var n = port.Read(buffer, 0, buffer.Length);
                    answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                catch (TimeoutException) { }
            }
        }
        return null;
    }

    private const string Prompt = "mmwDemo:/>";

    private static string Flat(string s) => s.Replace('\r', ' ').Replace('\n', ' ').Trim();
}
