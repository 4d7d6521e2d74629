using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Kavach.Edge.Uplink;

/// <summary>
/// One post, one identity. Each process start draws a random instance id that every status it publishes
/// carries. Evidence that another unit runs under our Device.Id:
/// <list type="bullet">
/// <item>the broker hands our MQTT session to another client (DISCONNECT 0x8E "session taken over"; mosquitto
/// 2.0 just closes the socket, hence the next rule);</item>
/// <item>after this process published its online status, a status on our topic (retained or live) from
/// another instance that is online or in conflict: only a live process can have published it after us.</item>
/// </list>
/// What we see before our own online status is our predecessor's (say, a unit that lost power before the
/// broker sent its will): remembered, never evidence, and not evidence later either (a broker restored from
/// an older save shows it again). During a look (<see cref="BeginLook"/>) the first status seen is the
/// baseline and only a different one counts. Evidence raises the stage fault "uplink: another unit uses
/// device id X" (the level goes FAULT, the API says why); <see cref="UplinkService"/> then holds back.
/// Thread-safe: statuses arrive on MQTTnet's threads, the uplink loop consumes the evidence.
/// </summary>
public sealed class IdentityGuard
{
    /// <summary>The stage-fault component.</summary>
    public const string Component = "uplink";

    private readonly string _deviceId;
    private readonly StageFaults _faults;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private readonly HashSet<(string Instance, string State)> _predecessors = [];
    private bool _online,
        _looking;
    private (string Instance, string State)? _baseline;
    private string? _evidence;
    private volatile string? _conflict;

    public IdentityGuard(string deviceId, StageFaults faults, ILogger log)
    {
        _deviceId = deviceId;
        _faults = faults;
        _log = log;
        InstanceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>This process's instance id: 16 hex digits, new at every start.</summary>
    public string InstanceId { get; }

    /// <summary>The fault's text.</summary>
    public string FaultMessage => $"another unit uses device id {_deviceId}";

    /// <summary>The conflict's fault text while one is held, else null.</summary>
    public string? Conflict => _conflict;

    public bool InConflict => _conflict is not null;

    /// <summary>When the current conflict was first seen.</summary>
    public DateTimeOffset Since { get; private set; }

    /// <summary>True while evidence waits for <see cref="TakeEvidence"/>.</summary>
    public bool HasEvidence => Volatile.Read(ref _evidence) is not null;

    /// <summary>MQTTnet's DisconnectedAsync: a session taken over is evidence.</summary>
    public void OnDisconnected(MqttClientDisconnectReason reason)
    {
        if (reason == MqttClientDisconnectReason.SessionTakenOver)
            Interlocked.Exchange(
                ref _evidence,
                $"the broker handed our MQTT session (client id {_deviceId}) to another client (session taken over)"
            );
    }

    /// <summary>This process has published its online status: from now on other instances' statuses count.</summary>
    public void MarkOnline()
    {
        lock (_gate)
            _online = true;
    }

    /// <summary>A look while in conflict begins: the first status it sees is its baseline.</summary>
    public void BeginLook()
    {
        lock (_gate)
        {
            _looking = true;
            _baseline = null;
        }
    }

    public void EndLook()
    {
        lock (_gate)
            _looking = false;
    }

    /// <summary>A message on our own status topic; true when it is evidence.</summary>
    public bool OnStatus(ReadOnlySequence<byte> payload, bool retained)
    {
        if (!TryRead(payload, out var state, out var instance) || instance == InstanceId)
            return false;
        var key = (instance, state);
        lock (_gate)
        {
            if (_looking && _baseline is null)
            {
                _baseline = key;
                return false;
            }
            if (_looking && _baseline == key)
                return false;
            if (!_looking && !_online)
            {
                if (_predecessors.Add(key))
                    _log.LogInformation(
                        "Uplink: the {Kind} status of {DeviceId} names instance {Instance} ({State}): taken for our predecessor",
                        retained ? "retained" : "queued",
                        _deviceId,
                        instance,
                        state
                    );
                return false;
            }
            if (state is not ("online" or "conflict") || (!_looking && _predecessors.Contains(key)))
                return false;
        }
        Interlocked.Exchange(ref _evidence, $"instance {instance} published '{state}' on our status topic after we started");
        return true;
    }

    /// <summary>Consumes pending evidence: raises the fault (logged as an error the first time) and returns true.</summary>
    public bool TakeEvidence(DateTimeOffset now, TimeSpan holdOff)
    {
        var evidence = Interlocked.Exchange(ref _evidence, null);
        if (evidence is null)
            return false;
        _faults.Raise(Component, FaultMessage);
        if (_conflict is null)
        {
            Since = now;
            _conflict = FaultMessage;
            _log.LogError(
                "Uplink: {Message} ({Evidence}): FAULT; the uplink holds back (alerts wait in the outbox) and looks again every {HoldOffS:0} s. Give one unit its own id (Device.Id in /etc/kavach/kavach.json) and restart it",
                FaultMessage,
                evidence,
                holdOff.TotalSeconds
            );
        }
        else
            _log.LogWarning("Uplink: still {Message} ({Evidence})", FaultMessage, evidence);
        return true;
    }

    /// <summary>A look of <paramref name="clean"/> saw no other unit: the fault clears.</summary>
    public void Clear(TimeSpan clean)
    {
        if (_conflict is null)
            return;
        _conflict = null;
        _faults.Clear(Component);
        _log.LogInformation(
            "Uplink: no other unit under device id {DeviceId} for {CleanS:0} s: the conflict FAULT clears and the uplink resumes",
            _deviceId,
            clean.TotalSeconds
        );
    }

    private static bool TryRead(ReadOnlySequence<byte> payload, out string state, out string instance)
    {
        state = instance = "";
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return false;
            if (root.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.String)
                state = s.GetString()!;
            if (root.TryGetProperty("instance", out var i) && i.ValueKind == JsonValueKind.String)
                instance = i.GetString()!;
            return state.Length > 0 && instance.Length > 0; // a status without an instance (an older release) proves nothing
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
