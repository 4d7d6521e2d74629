using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Sensors;

/// <summary>
/// The one explicit reconnect loop every client-side transport (serial, tcp-client, mqtt) runs: open the
/// device, move bytes until it is lost, back off (capped exponential, with jitter), open again — forever,
/// until stopped. Logs once per state change, never per try; keeps <see cref="SensorState.Connection"/>
/// current. While the device is away no readings arrive and fusion makes the sensor stale (FAULT when
/// required) by its TimeoutMs; nothing here decides that. Subclasses own their device handles and dispose
/// them inside <see cref="SessionAsync"/>.
/// </summary>
public abstract class ReconnectingTransport
{
    /// <summary>A connection that held this long resets the backoff; shorter ones keep it growing (a flapping peer).</summary>
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(5);

    protected ReconnectingTransport(string name, IReadOnlyList<SensorEndpoint> endpoints, Backoff backoff, TimeProvider time, ILogger log)
    {
        Name = name;
        Endpoints = endpoints;
        Backoff = backoff;
        Time = time;
        Log = log;
    }

    /// <summary>The sensors' names, for logs.</summary>
    public string Name { get; }
    public IReadOnlyList<SensorEndpoint> Endpoints { get; }
    protected Backoff Backoff { get; }
    protected TimeProvider Time { get; }
    protected ILogger Log { get; }

    /// <summary>What is being connected to ("serial /dev/ttyUSB0 at 115200"), for logs.</summary>
    public abstract string Target { get; }

    /// <summary>
    /// One session: opens the device, calls <paramref name="connected"/> once bytes can flow, feeds decoders
    /// until the device is lost (return or throw) or <paramref name="ct"/> is cancelled; releases the device.
    /// </summary>
    protected abstract Task SessionAsync(Action connected, CancellationToken ct);

    public async Task RunAsync(CancellationToken ct)
    {
        var downReported = false;
        while (!ct.IsCancellationRequested)
        {
            SetConnection(ConnectionState.Connecting);
            long connectedAt = 0;
            string reason;
            try
            {
                await SessionAsync(
                        () =>
                        {
                            connectedAt = Time.GetTimestamp();
                            SetConnection(ConnectionState.Connected);
                            downReported = false;
                            Log.LogInformation("Sensor {Sensor}: connected to {Target}", Name, Target);
                        },
                        ct
                    )
                    .ConfigureAwait(false);
                reason = "closed by the peer";
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                reason = Describe(e);
            }
            if (ct.IsCancellationRequested)
                break;

            SetConnection(ConnectionState.Disconnected);
            if (connectedAt != 0)
            {
                if (Time.GetElapsedTime(connectedAt) >= StableAfter)
                    Backoff.Reset();
                Log.LogWarning(
                    "Sensor {Sensor}: lost {Target} ({Reason}); reconnecting with backoff up to {Max} s",
                    Name,
                    Target,
                    reason,
                    Backoff.Max.TotalSeconds
                );
                downReported = true;
            }
            else if (!downReported)
            {
                Log.LogWarning(
                    "Sensor {Sensor}: cannot connect to {Target} ({Reason}); retrying with backoff up to {Max} s",
                    Name,
                    Target,
                    reason,
                    Backoff.Max.TotalSeconds
                );
                downReported = true;
            }
            try
            {
                await Task.Delay(Backoff.Next(), Time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        SetConnection(ConnectionState.Idle);
    }

    private void SetConnection(ConnectionState state)
    {
        foreach (var e in Endpoints)
            e.SetConnection(state);
    }

    private static string Describe(Exception e) =>
        e switch
        {
            TimeoutException or TransportFailedException => e.Message,
            System.Net.Sockets.SocketException s => s.SocketErrorCode.ToString(),
            _ => $"{e.GetType().Name}: {e.Message}",
        };
}

/// <summary>A session failure whose message already says what went wrong and which key to check (logged as is).</summary>
public sealed class TransportFailedException(string message, Exception? inner = null) : Exception(message, inner);
