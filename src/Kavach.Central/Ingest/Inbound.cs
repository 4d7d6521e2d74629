using MQTTnet;

namespace Kavach.Central.Ingest;

/// <summary>One message received and not yet acknowledged: its topic and payload (copied out of MQTTnet's buffer),
/// the event that acknowledges it, and the connection it came on (<paramref name="Connection"/>: an acknowledgement
/// is sent only on that connection; after a reconnect the broker sends the message again).</summary>
public sealed record Inbound(string Topic, byte[] Payload, MqttApplicationMessageReceivedEventArgs? Message, long Connection, long ReceivedTicks);
