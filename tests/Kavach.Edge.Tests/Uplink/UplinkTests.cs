using System.Text.Json;
using Kavach.Edge.Assessment;
using Kavach.Edge.Tests.Support;
using Kavach.Edge.Uplink;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Uplink;

/// <summary>The uplink against a real mosquitto: delivery, order, outages, commands, credentials.</summary>
public class UplinkTests
{
    private static readonly string AlertSchema = Path.Combine(Repo.Root, "docs", "schemas", "alert.schema.json");

    private static List<long> Seqs(TestSubscriber sub) =>
        sub.On("/alerts")
            .Select(m => JsonDocument.Parse(m.Payload).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "alert")
            .Select(e => e.GetProperty("seq").GetInt64())
            .ToList();

    /// <summary>At least once, in order: after removing repeats of what came before, seq is 1..n with no gap.</summary>
    private static void AssertInOrderNoGap(List<long> seqs, int n)
    {
        var firstSeen = new List<long>();
        foreach (var s in seqs)
            if (!firstSeen.Contains(s))
                firstSeen.Add(s);
        Assert.Equal(Enumerable.Range(1, n).Select(i => (long)i), firstSeen);
    }

    [Fact]
    public async Task Alerts_arrive_in_order_as_documented_and_the_status_is_retained_online()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var rig = new UplinkRig(broker.Port);
        await using var sub = await TestSubscriber.StartAsync(broker.Port, $"kavach/{rig.DeviceId}/#");
        await rig.StartAsync();
        rig.Publish(RiskLevel.Fault);
        rig.Publish(RiskLevel.Low);
        rig.Publish(RiskLevel.High);
        await Wait.UntilAsync(
            () => Seqs(sub).Count >= 3,
            () => "three alerts; log: " + string.Join(" / ", rig.Log.Lines.Select(l => l.Message))
        );

        var alerts = sub.On("/alerts");
        foreach (var a in alerts)
        {
            var errors = SchemaCheck.Validate(AlertSchema, a.Payload);
            Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + a.Payload);
        }
        AssertInOrderNoGap(Seqs(sub), 3);
        var third = JsonDocument.Parse(alerts[2].Payload).RootElement;
        Assert.Equal("HIGH", third.GetProperty("level").GetString());
        Assert.Equal("LOW", third.GetProperty("previous").GetString());
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(alerts[0].Payload).RootElement.GetProperty("previous").ValueKind);
        Assert.Equal(7, Guid.Parse(third.GetProperty("id").GetString()!).Version);
        Assert.False(third.TryGetProperty("model", out _));

        var status = Assert.Single(sub.On("/status"), m => m.Payload.Contains("online", StringComparison.Ordinal));
        Assert.Contains("\"startedAt\"", status.Payload, StringComparison.Ordinal);
        // retained: a newcomer sees it
        await using var late = await TestSubscriber.StartAsync(broker.Port, $"kavach/{rig.DeviceId}/status");
        await Wait.UntilAsync(
            () => late.Messages.Any(m => m.Retain && m.Payload.Contains("\"online\"", StringComparison.Ordinal)),
            "the retained online status"
        );
        await Wait.UntilAsync(() => sub.On("/telemetry").Count > 0, "telemetry");
        Assert.Contains("\"type\":\"telemetry\"", sub.On("/telemetry")[0].Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_outage_loses_nothing_and_keeps_the_order()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var rig = new UplinkRig(broker.Port);
        await using var sub = await TestSubscriber.StartAsync(broker.Port, $"kavach/{rig.DeviceId}/alerts");
        await rig.StartAsync();
        for (var i = 0; i < 5; i++)
            rig.Publish(i % 2 == 0 ? RiskLevel.High : RiskLevel.Low);
        await Wait.UntilAsync(() => Seqs(sub).Count >= 5, "the first five");

        await broker.StopAsync();
        for (var i = 0; i < 20; i++)
            rig.Publish(i % 2 == 0 ? RiskLevel.Medium : RiskLevel.Low);
        await Wait.UntilAsync(() => rig.Storage.Written == 25, "25 alerts committed while the broker is down");
        Assert.False(rig.Uplink.Connected);
        await broker.RestartAsync();
        await sub.ReconnectAsync();
        await Wait.UntilAsync(
            () => Seqs(sub).Distinct().Count() >= 25,
            () => $"all 25 after the outage, got {string.Join(",", Seqs(sub))}",
            TimeSpan.FromSeconds(30)
        );
        AssertInOrderNoGap(Seqs(sub), 25);
        Assert.True(rig.Log.Has(LogLevel.Warning, "connection to 127.0.0.1"), "the loss is logged");
    }

    [Fact]
    public async Task A_full_outbox_sends_a_shed_record_first_naming_the_lost_seqs()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var rig = new UplinkRig(broker.Port, new() { ["Uplink:OutboxMaxRows"] = "10" });
        await using var sub = await TestSubscriber.StartAsync(broker.Port, $"kavach/{rig.DeviceId}/alerts"); // persistent session
        await broker.StopAsync();
        await rig.StartAsync();
        for (var i = 0; i < 15; i++)
            rig.Publish(i % 2 == 0 ? RiskLevel.High : RiskLevel.Low);
        await Wait.UntilAsync(() => rig.Storage.Written == 15, "15 alerts committed");
        await broker.RestartAsync();
        await sub.ReconnectAsync();
        await Wait.UntilAsync(() => sub.Messages.Count >= 11, () => $"the shed record and ten alerts, got {sub.Messages.Count}");
        var first = JsonDocument.Parse(sub.Messages.First().Payload).RootElement;
        Assert.Equal("shed", first.GetProperty("type").GetString());
        Assert.Equal((1, 5), (first.GetProperty("fromSeq").GetInt64(), first.GetProperty("toSeq").GetInt64()));
        Assert.Empty(SchemaCheck.Validate(Path.Combine(Repo.Root, "docs", "schemas", "shed.schema.json"), sub.Messages.First().Payload));
        Assert.Equal(Enumerable.Range(6, 10).Select(i => (long)i), Seqs(sub));
    }

    [Fact]
    public async Task Garbage_unknown_retained_and_unexpiring_commands_are_refused_with_a_reason()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var target = new FakeTarget();
        await using var rig = new UplinkRig(broker.Port, target: target);
        await using var op = await TestSubscriber.StartAsync(broker.Port, $"kavach/{rig.DeviceId}/cmd-result");
        await rig.StartAsync();
        await Wait.UntilAsync(() => rig.Uplink.Connected, "connected");
        var cmd = $"kavach/{rig.DeviceId}/cmd/";
        await op.PublishAsync(cmd + "ack", "{not json", correlation: [1]);
        await op.PublishAsync(cmd + "reboot", "{}", correlation: [2]);
        await op.PublishAsync(cmd + "ack", "{\"seq\":1,\"by\":\"x\"}", expiryS: 0, correlation: [3]);
        await op.PublishAsync(cmd + "ack", "{\"seq\":1,\"by\":\"x\"}", expiryS: 3600, correlation: [4]);
        await op.PublishAsync(cmd + "maintenance", "{\"minutes\":30,\"by\":\"x\",\"why\":\"y\"}", correlation: [5]);
        await op.PublishAsync(cmd + "ack", "{\"seq\":99,\"by\":\"x\"}", correlation: [6]);
        await op.PublishAsync(cmd + "ack", "[1,2]", correlation: [7]);
        await Wait.UntilAsync(() => op.Messages.Count >= 7, () => $"seven results, got {op.Messages.Count}");
        var results = op.Messages.ToDictionary(m => m.CorrelationData![0], m => JsonDocument.Parse(m.Payload).RootElement);
        Assert.All(results.Values, r => Assert.False(r.GetProperty("accepted").GetBoolean()));
        Assert.Contains("malformed JSON", results[1].GetProperty("reason").GetString());
        Assert.Contains("unknown command 'reboot'", results[2].GetProperty("reason").GetString());
        Assert.Contains("message expiry", results[3].GetProperty("reason").GetString());
        Assert.Contains("MaxCommandAgeS", results[4].GetProperty("reason").GetString());
        Assert.Contains("unknown field 'why'", results[5].GetProperty("reason").GetString());
        Assert.Contains("no alert with seq 99", results[6].GetProperty("reason").GetString());
        Assert.Contains("JSON object", results[7].GetProperty("reason").GetString());
        foreach (var r in op.Messages)
            Assert.Empty(SchemaCheck.Validate(Path.Combine(Repo.Root, "docs", "schemas", "cmd-result.schema.json"), r.Payload));
        Assert.Empty(target.Calls);
    }

    [Fact]
    public async Task A_retained_command_found_on_connecting_is_refused()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var target = new FakeTarget();
        await using var rig = new UplinkRig(broker.Port, target: target);
        await using var op = await TestSubscriber.StartAsync(broker.Port, $"kavach/{rig.DeviceId}/cmd-result");
        await op.PublishAsync($"kavach/{rig.DeviceId}/cmd/maintenance", "{\"minutes\":60,\"by\":\"x\"}", retain: true);
        await rig.StartAsync();
        await Wait.UntilAsync(() => op.Messages.Count >= 1, "the result");
        var r = JsonDocument.Parse(op.Messages.First().Payload).RootElement;
        Assert.False(r.GetProperty("accepted").GetBoolean());
        Assert.Contains("retained", r.GetProperty("reason").GetString());
        Assert.Empty(target.Calls);
    }

    [Fact]
    public async Task An_ack_names_an_alert_seq_and_only_the_current_episode_is_acknowledged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var target = new FakeTarget();
        await using var rig = new UplinkRig(broker.Port, new() { ["Uplink:AllowRemoteMaintenance"] = "true" }, target: target);
        await using var op = await TestSubscriber.StartAsync(broker.Port, $"kavach/{rig.DeviceId}/#");
        await rig.StartAsync();
        rig.Publish(RiskLevel.Fault); // seq 1, change 1
        var high = rig.Publish(RiskLevel.High); // seq 2, change 2
        target.CurrentEpisode = high;
        await Wait.UntilAsync(() => Seqs(op).Count >= 2, "two alerts");
        var cmd = $"kavach/{rig.DeviceId}/cmd/";
        await op.PublishAsync(cmd + "ack", "{\"seq\":1,\"by\":\"signaller-7\"}", correlation: [1]);
        await op.PublishAsync(cmd + "ack", "{\"seq\":2,\"by\":\"signaller-7\"}", correlation: [2]);
        await op.PublishAsync(cmd + "maintenance", "{\"minutes\":30,\"by\":\"tech-2\"}", correlation: [3]);
        await op.PublishAsync(cmd + "maintenance", "{\"end\":true,\"by\":\"tech-2\"}", correlation: [4]);
        await Wait.UntilAsync(() => op.On("/cmd-result").Count >= 4, "four results");
        var results = op.On("/cmd-result").ToDictionary(m => m.CorrelationData![0], m => JsonDocument.Parse(m.Payload).RootElement);
        Assert.False(results[1].GetProperty("accepted").GetBoolean());
        Assert.Contains("not the current alarm episode (that is seq 2)", results[1].GetProperty("reason").GetString());
        Assert.True(results[2].GetProperty("accepted").GetBoolean());
        Assert.Equal(2, results[2].GetProperty("seq").GetInt64());
        Assert.True(results[3].GetProperty("accepted").GetBoolean());
        Assert.True(results[4].GetProperty("accepted").GetBoolean());
        Assert.Equal([$"ack {high} signaller-7 Mqtt", "maintenance 30 tech-2 Mqtt", "end tech-2 Mqtt"], target.Calls);
    }

    [Fact]
    public async Task Bad_credentials_are_logged_clearly_and_retried_with_backoff_without_crashing()
    {
        using var folder = Repo.NewTempDir();
        var passwd = folder.File("passwd");
        Run("mosquitto_passwd", "-b", "-c", passwd, "kavach", "right-password");
        await using var broker = await MosquittoProcess.StartAsync([$"password_file {passwd}"], allowAnonymous: false);
        var pwFile = folder.Secret("pw", "wrong-password\n");
        await using var rig = new UplinkRig(broker.Port, new() { ["Uplink:Username"] = "kavach", ["Uplink:PasswordFile"] = pwFile });
        await rig.StartAsync();
        rig.Publish(RiskLevel.High);
        await Wait.UntilAsync(
            () => rig.Log.Count(LogLevel.Error, "refused our credentials") >= 3,
            () => "three refusals; log: " + string.Join(" / ", rig.Log.Lines.Select(l => l.Message))
        );
        Assert.True(rig.Log.Has(LogLevel.Error, "check Uplink.Username and Uplink.PasswordFile"));
        Assert.False(rig.Uplink.Connected);

        // fixing the file is enough: it is read on every attempt
        await File.WriteAllTextAsync(pwFile, "right-password\n");
        await Wait.UntilAsync(() => rig.Uplink.Sent >= 1, "the alert after the password was fixed");
    }

    [Fact]
    public async Task Tls_with_the_test_ca_delivers_and_a_wrong_ca_is_refused()
    {
        using var pki = Repo.NewTempDir();
        TestPki.Make(pki.Path, "ca", "server");
        TestPki.Make(pki.Path, "other-ca", null);
        await using var broker = await MosquittoProcess.StartAsync([
            $"cafile {pki.File("ca.crt")}",
            $"certfile {pki.File("server.crt")}",
            $"keyfile {pki.File("server.key")}",
            "tls_version tlsv1.2",
        ]);

        await using (var good = new UplinkRig(broker.Port, new() { ["Uplink:Tls"] = "true", ["Uplink:CaFile"] = pki.File("ca.crt") }))
        {
            await good.StartAsync();
            good.Publish(RiskLevel.High);
            await Wait.UntilAsync(
                () => good.Uplink.Sent >= 1,
                () => "an alert over TLS; log: " + string.Join(" / ", good.Log.Lines.Select(l => l.Message))
            );
        }
        await using var bad = new UplinkRig(broker.Port, new() { ["Uplink:Tls"] = "true", ["Uplink:CaFile"] = pki.File("other-ca.crt") });
        await bad.StartAsync();
        bad.Publish(RiskLevel.High);
        await Wait.UntilAsync(
            () => bad.Log.Count(LogLevel.Error, "TLS with 127.0.0.1") >= 2,
            () => "TLS refusals; log: " + string.Join(" / ", bad.Log.Lines.Select(l => l.Message))
        );
        Assert.Equal(0, bad.Uplink.Sent);
    }

    [Fact]
    public async Task The_embedded_broker_listens_on_loopback_only()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        Assert.InRange(broker.Port, 1, 65535);
        await using var sub = await TestSubscriber.StartAsync(broker.Port, "kavach/#");
        await sub.PublishAsync("kavach/x/alerts", "{}");
        await Wait.UntilAsync(() => sub.Messages.Count == 1, "the message back");
        var listeners = File.ReadAllLines("/proc/net/tcp6")
            .Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "0A" && Convert.ToInt32(f[1].Split(':')[1], 16) == broker.Port);
        Assert.Empty(listeners); // nothing on [::]
    }

    internal static void Run(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {err}");
    }
}

/// <summary>A throw-away CA and server certificate for 127.0.0.1, made with openssl.</summary>
public static class TestPki
{
    public static void Make(string dir, string ca, string? server)
    {
        string F(string n) => Path.Combine(dir, n);
        UplinkTests.Run(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            $"/CN=Kavach test {ca}",
            "-keyout",
            F(ca + ".key"),
            "-out",
            F(ca + ".crt")
        );
        if (server is null)
            return;
        UplinkTests.Run(
            "openssl",
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            F(server + ".key"),
            "-out",
            F(server + ".csr")
        );
        File.WriteAllText(F("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        UplinkTests.Run(
            "openssl",
            "x509",
            "-req",
            "-in",
            F(server + ".csr"),
            "-CA",
            F(ca + ".crt"),
            "-CAkey",
            F(ca + ".key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            F("ext.cnf"),
            "-out",
            F(server + ".crt")
        );
    }
}
