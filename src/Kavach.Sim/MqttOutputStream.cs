using MQTTnet;
using MQTTnet.Protocol;

namespace Kavach.Sim;

/// <summary>
/// <c>mqtt://HOST:PORT/TOPIC</c>: publishes what is written, QoS 0 (a lost reading is replaced by the next one).
/// Text protocols publish one message per line (without the line end); binary ones one message per write.
/// A failed publish throws, and the player reopens (a new connection): no client-event reconnect logic.
/// </summary>
internal sealed class MqttOutputStream : Stream
{
    private readonly IMqttClient _client;
    private readonly string _topic;
    private readonly bool _perLine;
    private readonly MemoryStream _partial = new();

    private MqttOutputStream(IMqttClient client, string topic, bool perLine)
    {
        _client = client;
        _topic = topic;
        _perLine = perLine;
    }

    public static async Task<MqttOutputStream> ConnectAsync(
        string host,
        int port,
        string topic,
        string clientId,
        bool perLine,
        CancellationToken ct
    )
    {
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var options = new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId(clientId).WithCleanSession().Build();
            await client.ConnectAsync(options, ct).ConfigureAwait(false);
            return new MqttOutputStream(client, topic, perLine);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_perLine)
        {
            await PublishAsync(buffer.ToArray(), cancellationToken).ConfigureAwait(false);
            return;
        }
        var rest = buffer;
        while (!rest.IsEmpty)
        {
            var nl = rest.Span.IndexOf((byte)'\n');
            if (nl < 0)
            {
                _partial.Write(rest.Span);
                break;
            }
            _partial.Write(rest.Span[..nl]);
            var line = _partial.ToArray();
            _partial.SetLength(0);
            if (line.Length > 0 && line[^1] == (byte)'\r')
                line = line[..^1];
            if (line.Length > 0)
                await PublishAsync(line, cancellationToken).ConfigureAwait(false);
            rest = rest[(nl + 1)..];
        }
    }

    private async Task PublishAsync(byte[] payload, CancellationToken ct)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(_topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
            .Build();
        var result = await _client.PublishAsync(message, ct).ConfigureAwait(false);
        if (!result.IsSuccess)
            throw new IOException($"MQTT publish to '{_topic}' failed: {result.ReasonCode}");
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // closing a broken connection
        }
        _client.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _client.Dispose();
        base.Dispose(disposing);
    }
}
