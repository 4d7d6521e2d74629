using System.Buffers;
using Kavach.Edge.Configuration;
using Kavach.Protocols;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Kavach.Edge.Sensors;

/// <summary>
/// mqtt: one MQTTnet client per sensor-network broker, client id <c>&lt;Device.Id&gt;-sensors</c> (never the
/// uplink's session), clean session, QoS 0 (a late reading is worthless). Subscribes to each sensor's Topic; every
/// message's payload is one unit of input for the decoders whose filter matches its topic (a json-lines line
/// without "sensor" takes the kind of the topic's last level, e.g. <c>kavach/sensors/lidar</c>). Reconnection is
/// this class's own loop (<see cref="ReconnectingTransport"/>), never the client's events; the session ends when
/// the client reports itself disconnected (polled). Owns its client.
/// </summary>
public sealed class MqttTransport : ReconnectingTransport
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(250);

    private readonly string _host;
    private readonly int _port;
    private readonly IMqttSecurityOptions _security;
    private readonly string _clientId;
    private readonly Route[] _routes;

    public MqttTransport(string clientId, IReadOnlyList<SensorEndpoint> endpoints, Backoff backoff, TimeProvider time, ILogger log)
        : base(string.Join("+", endpoints.Select(e => e.Name)), endpoints, backoff, time, log)
    {
        _clientId = clientId;
        _host = endpoints[0].Transport.Host;
        _port = endpoints[0].Transport.Port;
        _security = endpoints[0].Transport; // the configuration check makes every sensor on one broker agree
        _routes = endpoints.Select(e => new Route(e)).ToArray();
    }

    public override string Target =>
        $"mqtt{(_security.Tls ? "s" : "")} {_host}:{_port} ({string.Join(", ", _routes.Select(r => r.Filter).Distinct())}) as {_clientId}";

    protected override async Task SessionAsync(Action connected, CancellationToken ct)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        // TLS and credentials as the uplink does them; files are read on every connect (fixing one needs no restart)
        var options = Uplink
            .MqttSecurity.Apply(
                new MqttClientOptionsBuilder()
                    .WithTcpServer(_host, _port)
                    .WithClientId(_clientId)
                    .WithCleanSession(true)
                    .WithKeepAlivePeriod(KeepAlive)
                    .WithTimeout(ConnectTimeout),
                _security,
                _host
            )
            .Build();
        foreach (var r in _routes)
            r.Open();
        client.ApplicationMessageReceivedAsync += OnMessage;
        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                connect.CancelAfter(ConnectTimeout);
                try
                {
                    var result = await client.ConnectAsync(options, connect.Token).ConfigureAwait(false);
                    if (result.ResultCode != MqttClientConnectResultCode.Success)
                        throw Refused(result.ResultCode, null);
                    var subscribe = new MqttClientSubscribeOptionsBuilder();
                    foreach (var filter in _routes.Select(r => r.Filter).Distinct())
                        subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtMostOnce);
                    await client.SubscribeAsync(subscribe.Build(), connect.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"no answer within {ConnectTimeout.TotalSeconds:0} s");
                }
                catch (MQTTnet.Adapter.MqttConnectingFailedException e)
                {
                    // its message names the CONNACK code: "Connecting with MQTT server failed (NotAuthorized)."
                    var code = Enum.GetValues<MqttClientConnectResultCode>()
                        .FirstOrDefault(
                            c => e.Message.Contains($"({c})", StringComparison.Ordinal),
                            MqttClientConnectResultCode.UnspecifiedError
                        );
                    throw Refused(code, e);
                }
                catch (Exception e) when (Tls(e) is { } tls)
                {
                    throw new TransportFailedException(
                        $"TLS failed: {tls.Message} (check Transport.CaFile, the broker's certificate and its host name)",
                        e
                    );
                }
            }
            connected();

            while (client.IsConnected)
                await Task.Delay(PollPeriod, Time, ct).ConfigureAwait(false);
        }
        finally
        {
            client.ApplicationMessageReceivedAsync -= OnMessage;
            if (client.IsConnected)
            {
                using var bye = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                try
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), bye.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException) { }
            }
            foreach (var r in _routes)
                r.Close();
        }
    }

    private static TransportFailedException Refused(MqttClientConnectResultCode code, Exception? inner) =>
        new(
            code is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized
                ? $"the broker refused our credentials ({code}): check Transport.Username and Transport.PasswordFile"
                : $"the broker refused the connection ({code})",
            inner
        );

    private static System.Security.Authentication.AuthenticationException? Tls(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is System.Security.Authentication.AuthenticationException a)
                return a;
        return null;
    }

    private Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        var payload = e.ApplicationMessage.Payload;
        foreach (var r in _routes)
            if (TopicMatches(r.Filter, topic))
                r.Feed(topic, payload);
        return Task.CompletedTask;
    }

    /// <summary>MQTT topic filter matching: '+' one level, '#' this level and all below (MQTT 3.1.1 §4.7).</summary>
    public static bool TopicMatches(string filter, string topic)
    {
        var f = filter.AsSpan();
        var t = topic.AsSpan();
        while (true)
        {
            var fi = f.IndexOf('/');
            var fl = fi < 0 ? f : f[..fi];
            if (fl is "#")
                return true;
            var ti = t.IndexOf('/');
            var tl = ti < 0 ? t : t[..ti];
            if (!(fl is "+" || fl.SequenceEqual(tl)))
                return false;
            if (fi < 0 || ti < 0)
            {
                // both end here, or the filter goes on with a last "#" that also matches the parent level
                if (fi < 0 && ti < 0)
                    return true;
                return ti < 0 && f[(fi + 1)..] is "#";
            }
            f = f[(fi + 1)..];
            t = t[(ti + 1)..];
        }
    }

    /// <summary>The sensor kind a topic's last level names (lidar, radar, camera), else unspecified.</summary>
    public static SensorKind KindOfTopic(string topic)
    {
        var last = topic.AsSpan(topic.LastIndexOf('/') + 1);
        if (last.Equals("lidar", StringComparison.OrdinalIgnoreCase))
            return SensorKind.Lidar;
        if (last.Equals("radar", StringComparison.OrdinalIgnoreCase))
            return SensorKind.Radar;
        if (last.Equals("camera", StringComparison.OrdinalIgnoreCase))
            return SensorKind.Camera;
        return SensorKind.Unspecified;
    }

    /// <summary>One endpoint's subscription and its decoder for the current session.</summary>
    private sealed class Route(SensorEndpoint endpoint)
    {
        private static readonly byte[] NewLine = "\n"u8.ToArray();
        private readonly Lock _lock = new();
        private IConnectionDecoder? _decoder;

        public string Filter { get; } = endpoint.Transport.Topic;
        private bool Lines => endpoint.Primary.Options.Protocol.RoutesByKind;

        public void Open()
        {
            lock (_lock)
                _decoder = endpoint.NewDecoder();
        }

        public void Close()
        {
            lock (_lock)
                _decoder = null;
        }

        // A message is a unit: a partial frame left at its end is counted as cut short, not carried into the next.
        public void Feed(string topic, ReadOnlySequence<byte> payload)
        {
            lock (_lock)
            {
                if (_decoder is null)
                    return;
                if (_decoder is Protocols.JsonLinesConnection lines)
                    lines.SourceKind = KindOfTopic(topic);
                foreach (var segment in payload)
                    _decoder.OnBytes(segment.Span);
                if (Lines && (payload.IsEmpty || !EndsWithNewLine(payload)))
                    _decoder.OnBytes(NewLine);
                _decoder.OnEnd();
            }
        }

        private static bool EndsWithNewLine(ReadOnlySequence<byte> payload) => payload.Slice(payload.Length - 1).FirstSpan[0] == (byte)'\n';
    }
}
