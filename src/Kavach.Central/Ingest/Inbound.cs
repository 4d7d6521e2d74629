using MQTTnet;

namespace Kavach.Central.Ingest;

/// <summary>One message received and not yet acknowledged: its topic and payload (copied out of MQTTnet's buffer),
/// the event that acknowledges it, and the connection it came on (<paramref name="Connection"/>: an acknowledgement
/// is sent only on that connection; after a reconnect the broker sends the message again) and, when the sender stamped it,
/// its publish time (<paramref name="SentUnixMs"/>, the MQTT 5 user property <see cref="SentProperty"/>; 0 when absent);
/// <paramref name="Correlation"/>: its MQTT 5 correlation data (a cmd-result carries the command's).</summary>
public sealed record Inbound(
    string Topic,
    byte[] Payload,
    MqttApplicationMessageReceivedEventArgs? Message,
    long Connection,
    long ReceivedTicks,
    long SentUnixMs = 0,
    byte[]? Correlation = null
)
{
    /// <summary>Set by kavach-sim fleet (Unix milliseconds at publish); the daemon sets none.</summary>
    public const string SentProperty = "kavach-sent-ms";

    /// <summary>The sender's publish time from <paramref name="properties"/>, or 0.</summary>
    public static long SentMs(IReadOnlyList<MQTTnet.Packets.MqttUserProperty>? properties)
    {
        if (properties is null)
            return 0;
        foreach (var p in properties)
            if (p.Name == SentProperty && System.Buffers.Text.Utf8Parser.TryParse(p.ValueBuffer.Span, out long ms, out _))
                return ms;
        return 0;
    }
}
