using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Kavach.Central.Database;
using Kavach.Central.Tests.Support;
using Kavach.Edge.Tests.Support;
using Npgsql;

namespace Kavach.Central.Tests;

/// <summary>Operators' commands through the API, a real broker and PostgreSQL, to a post judging them with the daemon's own
/// CommandHandler: forwarded with expiry and correlation, answered into the audit, refused without a good key, and the
/// audit never changed.</summary>
[Collection(PostgresCollection.Name)]
public class CommandTests(PostgresFixture pg)
{
    private sealed class Rig : IAsyncDisposable
    {
        public required MosquittoBroker Broker { get; init; }
        public required CentralRig Central { get; init; }
        public required DeviceClient Device { get; init; }
        public required CommandedPost Post { get; init; }
        public HttpClient Http { get; } = new();

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Post.DisposeAsync();
            await Device.DisposeAsync();
            await Central.DisposeAsync();
            await Broker.DisposeAsync();
        }

        public async Task<HttpResponseMessage> PostAsync(string path, string? key, string? body = null)
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, Central.BaseUrl + path);
            if (key is not null)
                req.Headers.Add(Operators.HeaderName, key);
            if (body is not null)
                req.Content = new StringContent(body, Encoding.UTF8, "application/json");
            return await Http.SendAsync(req);
        }

        public async Task<JsonElement> AuditAsync(string key, string id)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, $"{Central.BaseUrl}/api/audit/{id}");
            req.Headers.Add(Operators.HeaderName, key);
            using var r = await Http.SendAsync(req);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        }

        /// <summary>Waits for the post's answer to land in the audit row <paramref name="id"/>.</summary>
        public async Task<JsonElement> AnsweredAsync(string key, string id)
        {
            JsonElement row = default;
            await Wait.UntilAsync(
                async () => (row = await AuditAsync(key, id)).GetProperty("resultAccepted").ValueKind != JsonValueKind.Null,
                $"the post's answer in audit row {id}"
            );
            return row;
        }
    }

    /// <summary>A central (command expiry 30 s), and lc-cmd: online, its HIGH alert seq 3 (a rise: the open episode).</summary>
    private async Task<Rig> StartAsync()
    {
        var broker = await MosquittoBroker.StartAsync();
        var central = await CentralRig.StartAsync(
            broker.Port,
            await pg.Cluster.CreateDatabaseAsync(),
            extra: new() { ["Fleet:CommandExpiryS"] = "30" }
        );
        var device = await DeviceClient.ConnectAsync(broker.Port, "lc-cmd");
        var post = await CommandedPost.ConnectAsync(broker.Port, "lc-cmd");
        post.Alarm.CurrentEpisode = 3;
        await device.OnlineAsync();
        await device.AlertAsync("e1", 3);
        await Wait.UntilAsync(
            async () =>
                await central.ScalarAsync("SELECT count(*) FROM devices WHERE device_id = 'lc-cmd' AND last_seq = 3 AND online") == 1,
            "lc-cmd online at seq 3"
        );
        return new Rig
        {
            Broker = broker,
            Central = central,
            Device = device,
            Post = post,
        };
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task An_ack_reaches_the_post_with_its_expiry_and_correlation_and_the_posts_answer_lands_in_the_audit_row()
    {
        await using var rig = await StartAsync();
        var key = (await Operators.AddAsync(rig.Central.Db, "signaller-7", default))!;

        using var sent = await rig.PostAsync("/api/devices/lc-cmd/ack", key); // no body: the open episode
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var entry = await JsonAsync(sent);
        var id = entry.GetProperty("id").GetString()!;
        Assert.Equal(
            ("signaller-7", "lc-cmd", "ack", "Success", 30),
            (
                entry.GetProperty("operator").GetString(),
                entry.GetProperty("deviceId").GetString(),
                entry.GetProperty("command").GetString(),
                entry.GetProperty("published").GetString(),
                entry.GetProperty("expiryS").GetInt32()
            )
        );

        var row = await rig.AnsweredAsync(key, id);
        Assert.True(row.GetProperty("resultAccepted").GetBoolean(), row.ToString());
        Assert.Equal("episode 3 acknowledged by signaller-7", row.GetProperty("resultReason").GetString());
        Assert.True(rig.Post.Received.TryPeek(out var m));
        Assert.Equal(("kavach/lc-cmd/cmd/ack", 30u, false), (m.Topic, m.MessageExpiryInterval, m.Retain));
        Assert.Equal(Guid.Parse(id).ToByteArray(bigEndian: true), m.CorrelationData);
        using (var payload = JsonDocument.Parse(m.Payload.ToArray()))
            Assert.Equal(
                (3L, "signaller-7"),
                (payload.RootElement.GetProperty("seq").GetInt64(), payload.RootElement.GetProperty("by").GetString())
            );

        // the fleet now shows the episode acknowledged
        var fleet = JsonDocument.Parse(await rig.Http.GetStringAsync(rig.Central.BaseUrl + "/api/fleet")).RootElement.GetProperty("fleet")[
            0
        ];
        Assert.True(fleet.GetProperty("episode").GetProperty("acknowledged").GetBoolean());
        Assert.Equal("high", fleet.GetProperty("attention").GetString());

        // the post's refusals land the same way: a second ack of the episode, a remote maintenance start (off on the post)
        using (var again = await rig.PostAsync("/api/devices/lc-cmd/ack", key, """{"seq":3}"""))
        {
            var refused = await rig.AnsweredAsync(key, (await JsonAsync(again)).GetProperty("id").GetString()!);
            Assert.False(refused.GetProperty("resultAccepted").GetBoolean());
            Assert.Contains("already acknowledged", refused.GetProperty("resultReason").GetString(), StringComparison.Ordinal);
        }
        using (var start = await rig.PostAsync("/api/devices/lc-cmd/maintenance", key, """{"minutes":30}"""))
        {
            var refused = await rig.AnsweredAsync(key, (await JsonAsync(start)).GetProperty("id").GetString()!);
            Assert.False(refused.GetProperty("resultAccepted").GetBoolean());
            Assert.Contains("Uplink.AllowRemoteMaintenance", refused.GetProperty("resultReason").GetString(), StringComparison.Ordinal);
        }
        using (var end = await rig.PostAsync("/api/devices/lc-cmd/maintenance", key, """{"end":true}"""))
        {
            var accepted = await rig.AnsweredAsync(key, (await JsonAsync(end)).GetProperty("id").GetString()!);
            Assert.Equal("maintenance ended by signaller-7", accepted.GetProperty("resultReason").GetString());
        }
        Assert.Equal(4, await rig.Central.ScalarAsync("SELECT count(*) FROM audit WHERE result_at IS NOT NULL AND published = 'Success'"));
        using var list = new HttpRequestMessage(HttpMethod.Get, rig.Central.BaseUrl + "/api/audit?device=lc-cmd");
        list.Headers.Add(Operators.HeaderName, key);
        using var listed = await rig.Http.SendAsync(list);
        var audit = (await JsonAsync(listed)).GetProperty("audit");
        Assert.Equal(
            ["maintenance", "maintenance", "ack", "ack"],
            audit.EnumerateArray().Select(a => a.GetProperty("command").GetString())
        );
    }

    [Fact]
    public async Task A_wrong_missing_or_revoked_key_is_401_and_nothing_is_sent_or_recorded()
    {
        await using var rig = await StartAsync();
        var key = (await Operators.AddAsync(rig.Central.Db, "op-a", default))!;
        var revoked = (await Operators.AddAsync(rig.Central.Db, "op-gone", default))!;
        Assert.Null(await Operators.AddAsync(rig.Central.Db, "op-a", default)); // a name once
        await using (var cmd = rig.Central.Db.CreateCommand("UPDATE operators SET disabled_at = now() WHERE name = 'op-gone'"))
            await cmd.ExecuteNonQueryAsync();

        foreach (var k in new[] { null, "", key + "x", key[..^1], revoked })
        {
            using var r = await rig.PostAsync("/api/devices/lc-cmd/ack", k);
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains(Operators.HeaderName, (await JsonAsync(r)).GetProperty("error").GetString(), StringComparison.Ordinal);
            using var m = await rig.PostAsync("/api/devices/lc-cmd/maintenance", k, """{"end":true}""");
            Assert.Equal(HttpStatusCode.Unauthorized, m.StatusCode);
        }
        using (var audit = await rig.Http.GetAsync(rig.Central.BaseUrl + "/api/audit"))
            Assert.Equal(HttpStatusCode.Unauthorized, audit.StatusCode);
        Assert.Equal(0, await rig.Central.ScalarAsync("SELECT count(*) FROM audit"));

        // bad requests from a good key are refused naming the cause, and send nothing either
        foreach (
            var (path, body, status, error) in new[]
            {
                ("/api/devices/lc-cmd/ack", """{"seq":3,"by":"someone-else"}""", HttpStatusCode.BadRequest, "body:"),
                ("/api/devices/lc-cmd/ack", """{"seq":0}""", HttpStatusCode.BadRequest, "seq:"),
                ("/api/devices/lc-cmd/maintenance", """{"minutes":0}""", HttpStatusCode.BadRequest, "minutes: must be 1-1440"),
                ("/api/devices/lc-cmd/maintenance", """{"minutes":5,"end":true}""", HttpStatusCode.BadRequest, "give either"),
                ("/api/devices/lc-cmd/maintenance", null, HttpStatusCode.BadRequest, "body:"),
                ("/api/devices/nobody/ack", """{"seq":1}""", HttpStatusCode.NotFound, "no device 'nobody'"),
            }
        )
        {
            using var r = await rig.PostAsync(path, key, body);
            Assert.Equal(status, r.StatusCode);
            Assert.StartsWith(error, (await JsonAsync(r)).GetProperty("error").GetString());
        }
        Assert.Equal(0, await rig.Central.ScalarAsync("SELECT count(*) FROM audit"));

        // the first command the post ever receives is the first one with a good key
        using var good = await rig.PostAsync("/api/devices/lc-cmd/ack", key);
        var id = (await JsonAsync(good)).GetProperty("id").GetString()!;
        await rig.AnsweredAsync(key, id);
        Assert.True(rig.Post.Received.TryPeek(out var first));
        Assert.Equal(Guid.Parse(id).ToByteArray(bigEndian: true), first.CorrelationData);
        Assert.Single(rig.Post.Received);
    }

    [Fact]
    public async Task The_audit_is_append_only_from_the_api_and_in_the_database_and_a_second_answer_does_not_replace_the_first()
    {
        await using var rig = await StartAsync();
        var key = (await Operators.AddAsync(rig.Central.Db, "op-b", default))!;
        using var sent = await rig.PostAsync("/api/devices/lc-cmd/ack", key);
        var id = (await JsonAsync(sent)).GetProperty("id").GetString()!;
        var answered = await rig.AnsweredAsync(key, id);

        foreach (var method in new[] { HttpMethod.Delete, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Post })
        foreach (var path in new[] { "/api/audit", $"/api/audit/{id}" })
        {
            using var req = new HttpRequestMessage(method, rig.Central.BaseUrl + path)
            {
                Content = new StringContent("{}", Encoding.UTF8, "application/json"),
            };
            req.Headers.Add(Operators.HeaderName, key);
            using var r = await rig.Http.SendAsync(req);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
        }

        foreach (
            var sql in new[]
            {
                $"DELETE FROM audit WHERE id = '{id}'",
                $"UPDATE audit SET operator = 'someone-else' WHERE id = '{id}'",
                $"UPDATE audit SET result_reason = 'rewritten' WHERE id = '{id}'",
                $"UPDATE audit SET published = 'NotAuthorized' WHERE id = '{id}'",
                "TRUNCATE audit",
            }
        )
        {
            await using var cmd = rig.Central.Db.CreateCommand(sql);
            var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Contains("audit is append-only", e.MessageText, StringComparison.Ordinal);
        }

        // the post answers the same command again (a re-delivered command): kept in cmd_results, the audit keeps the first
        await rig.Post.AnswerAsync(
            new Kavach.Edge.Uplink.CommandResult("ack", false, "a second answer", 3),
            Guid.Parse(id).ToByteArray(bigEndian: true)
        );
        await Wait.UntilAsync(
            async () => await rig.Central.ScalarAsync("SELECT count(*) FROM cmd_results WHERE reason = 'a second answer'") == 1,
            "the second answer committed"
        );
        var row = await rig.AuditAsync(key, id);
        Assert.Equal(
            (answered.GetProperty("resultReason").GetString(), true),
            (row.GetProperty("resultReason").GetString(), row.GetProperty("resultAccepted").GetBoolean())
        );
        Assert.Equal(1, await rig.Central.ScalarAsync("SELECT count(*) FROM audit"));
    }

    [Fact]
    public async Task The_operator_add_verb_prints_a_key_once_that_authenticates_and_refuses_a_taken_or_bad_name()
    {
        using var dir = Repo.NewTempDir();
        var cs = await pg.Cluster.CreateDatabaseAsync();
        var config = CentralProcess.WriteConfig(dir, 1883, cs, "central-op");
        string key;
        using (var add = new CentralProcess(["operator", "add", "controller-1", "--config", config]))
        {
            Assert.Equal(0, await add.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            key = add.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
            Assert.Matches("^[A-Za-z0-9_-]{43}$", key);
        }
        await using (var db = NpgsqlDataSource.Create(cs))
        {
            Assert.Equal("controller-1", await Operators.FindAsync(db, key, default));
            await using var cmd = db.CreateCommand("SELECT key_hash FROM operators");
            Assert.Equal(
                System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)),
                (byte[])(await cmd.ExecuteScalarAsync())!
            );
        }
        using (var again = new CentralProcess(["operator", "add", "controller-1", "--config", config]))
        {
            Assert.Equal(2, await again.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("exists already", again.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(key, again.Stdout + again.Stderr, StringComparison.Ordinal);
        }
        using var bad = new CentralProcess(["operator", "add", "bad name", "--config", config]);
        Assert.Equal(2, await bad.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("operator name 'bad name'", bad.Stderr, StringComparison.Ordinal);
    }
}
