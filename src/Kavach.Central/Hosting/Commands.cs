using System.Text.Json;
using System.Text.Json.Serialization;
using Kavach.Central.Configuration;
using Kavach.Central.Database;
using Kavach.Central.Ingest;
using Kavach.Contracts;
using Microsoft.AspNetCore.Http;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace Kavach.Central.Hosting;

/// <summary><c>POST /api/devices/{id}/ack</c>: <c>{"seq":N}</c>, or no body for the post's open episode.</summary>
public sealed record AckRequest(long? Seq);

/// <summary><c>POST /api/devices/{id}/maintenance</c>: <c>{"minutes":N}</c> (1-1440) or <c>{"end":true}</c>.</summary>
public sealed record MaintenanceRequest(int? Minutes, bool? End);

/// <summary>One command in the audit (<c>GET /api/audit</c>, and the answer to a command).</summary>
public sealed record AuditEntry(
    Guid Id,
    DateTimeOffset At,
    string Operator,
    string DeviceId,
    string Command,
    string Payload,
    int ExpiryS,
    string Instance,
    string? Published,
    DateTimeOffset? ResultAt,
    bool? ResultAccepted,
    string? ResultReason
);

public sealed record AuditView(IReadOnlyList<AuditEntry> Audit);

/// <summary>Command bodies (unknown fields refused) and the audit, source-generated (trim-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow
)]
[JsonSerializable(typeof(AckRequest))]
[JsonSerializable(typeof(MaintenanceRequest))]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(AuditView))]
public sealed partial class CommandJson : JsonSerializerContext;

/// <summary>
/// Operators' commands forwarded to a post over MQTT 5 (docs/alerts.md, "Commands"): <c>kavach/ID/cmd/ack</c> and
/// <c>…/cmd/maintenance</c>, QoS 1, retain off, message expiry <c>Fleet.CommandExpiryS</c>, <c>by</c> = the operator,
/// correlation data = the audit id. Each is recorded in <c>audit</c> before it is published (so the post's answer, which
/// fills the row, always finds it), then the broker's answer to the publish. The audit is append-only (a trigger);
/// the API only adds to it and reads it.
/// </summary>
public sealed class Commands(NpgsqlDataSource db, CentralOptions options, MqttIngest mqtt)
{
    private const int MaxBody = 4096;

    public async Task<IResult> AckAsync(HttpContext http, string deviceId)
    {
        if (await AuthenticateAsync(http).ConfigureAwait(false) is not { } op)
            return Unauthorized();
        var (req, error) = await ReadAsync(http, CommandJson.Default.AckRequest, new AckRequest(null)).ConfigureAwait(false);
        if (req is null)
            return Error(400, error!);
        if (req.Seq is < 1)
            return Error(400, "seq: must be the alert's seq (a whole number from 1)");
        var fleet = await FleetQuery
            .ReadAsync(db, options.Fleet.SilenceLimit, options.Fleet.KeepAliveS, DateTimeOffset.UtcNow, http.RequestAborted, deviceId)
            .ConfigureAwait(false);
        if (fleet.Fleet.Count == 0)
            return Error(404, $"no device '{deviceId}'");
        var seq = req.Seq ?? fleet.Fleet[0].Episode?.Seq;
        if (seq is null)
            return Error(409, $"'{deviceId}' has no open alarm episode to acknowledge (give \"seq\" to name an alert)");
        return await SendAsync(http, op, deviceId, "ack", w => w.WriteNumber("seq", seq.Value)).ConfigureAwait(false);
    }

    public async Task<IResult> MaintenanceAsync(HttpContext http, string deviceId)
    {
        if (await AuthenticateAsync(http).ConfigureAwait(false) is not { } op)
            return Unauthorized();
        var (req, error) = await ReadAsync(http, CommandJson.Default.MaintenanceRequest, null).ConfigureAwait(false);
        if (req is null)
            return Error(400, error!);
        if ((req.Minutes is null) == (req.End is null))
            return Error(400, "give either \"minutes\" (1-1440: start or extend) or \"end\": true");
        if (req.End is false)
            return Error(400, "end: must be true");
        if (req.Minutes is < 1 or > 1440)
            return Error(400, "minutes: must be 1-1440");
        if (!await KnownAsync(deviceId, http.RequestAborted).ConfigureAwait(false))
            return Error(404, $"no device '{deviceId}'");
        return await SendAsync(http, op, deviceId, "maintenance", w =>
            {
                if (req.Minutes is { } m)
                    w.WriteNumber("minutes", m);
                else
                    w.WriteBoolean("end", true);
            })
            .ConfigureAwait(false);
    }

    public async Task<IResult> AuditAsync(HttpContext http, string? device, string? limit)
    {
        if (await AuthenticateAsync(http).ConfigureAwait(false) is null)
            return Unauthorized();
        var n = 100;
        if (
            !string.IsNullOrEmpty(limit)
            && (!int.TryParse(limit, System.Globalization.CultureInfo.InvariantCulture, out n) || n is < 1 or > 1000)
        )
            return Error(400, "limit: must be 1-1000");
        return Results.Json(
            new AuditView(await ReadAuditAsync(db, device, null, n, http.RequestAborted).ConfigureAwait(false)),
            CommandJson.Default.AuditView
        );
    }

    public async Task<IResult> AuditEntryAsync(HttpContext http, Guid id)
    {
        if (await AuthenticateAsync(http).ConfigureAwait(false) is null)
            return Unauthorized();
        var rows = await ReadAuditAsync(db, null, id, 1, http.RequestAborted).ConfigureAwait(false);
        return rows.Count == 0 ? Error(404, $"no audit entry {id}") : Results.Json(rows[0], CommandJson.Default.AuditEntry);
    }

    private async Task<IResult> SendAsync(HttpContext http, string op, string deviceId, string command, Action<Utf8JsonWriter> fields)
    {
        var id = Guid.CreateVersion7();
        using var buffer = new MemoryStream();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            fields(w);
            w.WriteString("by", op);
            w.WriteEndObject();
        }
        var payload = buffer.ToArray();
        var expiry = options.Fleet.CommandExpiryS;
        await using (
            var insert = db.CreateCommand(
                "INSERT INTO audit (id, operator, device_id, command, payload, expiry_s, instance) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)"
            )
        )
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = op });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = command });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = System.Text.Encoding.UTF8.GetString(payload) });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = expiry });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.Mqtt.ClientId });
            await insert.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        // from here on the command may reach the post: no cancellation by the client, the outcome is always recorded
        var published = await mqtt.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(new Topics(deviceId).CommandPrefix + command)
                    .WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithRetainFlag(false)
                    .WithMessageExpiryInterval((uint)expiry)
                    .WithCorrelationData(id.ToByteArray(bigEndian: true))
                    .WithContentType("application/json")
                    .Build(),
                CancellationToken.None
            )
            .ConfigureAwait(false);
        await using (var update = db.CreateCommand("UPDATE audit SET published = $2 WHERE id = $1"))
        {
            update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = published });
            await update.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        var entry = (await ReadAuditAsync(db, null, id, 1, CancellationToken.None).ConfigureAwait(false))[0];
        var sent = published is "Success" or "NoMatchingSubscribers";
        return Results.Json(entry, CommandJson.Default.AuditEntry, statusCode: sent ? 202 : 503);
    }

    private async Task<string?> AuthenticateAsync(HttpContext http) =>
        await Operators.FindAsync(db, http.Request.Headers[Operators.HeaderName].ToString(), http.RequestAborted).ConfigureAwait(false);

    private async Task<bool> KnownAsync(string deviceId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT 1 FROM devices WHERE device_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
    }

    // The body as T (unknown fields refused); an empty body is `empty` (null: a body is required).
    private static async Task<(T? Value, string? Error)> ReadAsync<T>(
        HttpContext http,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type,
        T? empty
    )
        where T : class
    {
        if (http.Request.ContentLength > MaxBody)
            return (null, $"body: larger than {MaxBody} bytes");
        using var ms = new MemoryStream();
        var buffer = new byte[1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            ms.Write(buffer, 0, read);
            if (ms.Length > MaxBody)
                return (null, $"body: larger than {MaxBody} bytes");
        }
        if (ms.Length == 0)
            return empty is null ? (null, "body: a JSON object is required") : (empty, null);
        try
        {
            return JsonSerializer.Deserialize(ms.ToArray(), type) is { } v ? (v, null) : (null, "body: a JSON object is required");
        }
        catch (JsonException e)
        {
            return (null, "body: " + e.Message);
        }
    }

    internal static async Task<List<AuditEntry>> ReadAuditAsync(
        NpgsqlDataSource db,
        string? device,
        Guid? id,
        int limit,
        CancellationToken ct
    )
    {
        await using var cmd = db.CreateCommand(
            """
            SELECT id, at, operator, device_id, command, payload::text, expiry_s, instance, published, result_at, result_accepted, result_reason
            FROM audit
            WHERE ($1::text IS NULL OR device_id = $1) AND ($2::uuid IS NULL OR id = $2)
            ORDER BY at DESC, id DESC
            LIMIT $3
            """
        );
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = device, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = id, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var list = new List<AuditEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            list.Add(
                new AuditEntry(
                    r.GetGuid(0),
                    new DateTimeOffset(r.GetDateTime(1), TimeSpan.Zero),
                    r.GetString(2),
                    r.GetString(3),
                    r.GetString(4),
                    r.GetString(5),
                    r.GetInt32(6),
                    r.GetString(7),
                    r.IsDBNull(8) ? null : r.GetString(8),
                    r.IsDBNull(9) ? null : new DateTimeOffset(r.GetDateTime(9), TimeSpan.Zero),
                    r.IsDBNull(10) ? null : r.GetBoolean(10),
                    r.IsDBNull(11) ? null : r.GetString(11)
                )
            );
        return list;
    }

    private static IResult Unauthorized() =>
        Results.Json(
            new ErrorView($"an operator key is required in the {Operators.HeaderName} header (kavach-central operator add NAME)"),
            FleetJson.Default.ErrorView,
            statusCode: 401
        );

    private static IResult Error(int status, string message) =>
        Results.Json(new ErrorView(message), FleetJson.Default.ErrorView, statusCode: status);
}
