using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Api;

/// <summary>The key, the session cookie, the loopback exemption, the start-up refusal, HTTPS.</summary>
public class ApiAuthTests
{
    private const string Key = "k3y-for-tests-0123456789abcdef";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static async Task<(DaemonUnderTest D, TempDir Dir)> StartWithKeyAsync(
        string urls = "http://127.0.0.1:0",
        bool allowInsecureHttp = false
    )
    {
        var dir = Repo.NewTempDir();
        dir.Secret("api.key", Key + "\n");
        var d = await DaemonUnderTest.StartAsync(
            overrides: new()
            {
                ["Api:Urls"] = urls,
                ["Api:KeyFile"] = dir.File("api.key"),
                ["Api:AllowInsecureHttp"] = allowInsecureHttp ? "true" : "false",
            }
        );
        return (d, dir);
    }

    [Fact]
    public async Task With_a_key_everything_but_health_ping_and_the_page_needs_it_and_401_says_nothing_more()
    {
        var (d, dir) = await StartWithKeyAsync();
        await using var _ = d;
        using var __ = dir;
        using var anon = d.NewHttpClient();
        using var wrong = d.NewHttpClient("not-the-key-at-all-000000");
        using var right = d.NewHttpClient(Key);
        foreach (var path in new[] { "/api/status", "/api/events", "/metrics" })
        {
            foreach (var c in new[] { anon, wrong })
            {
                using var r = await c.GetAsync(path);
                Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
                Assert.Equal("{\"error\":\"unauthorized\",\"detail\":null}", await r.Content.ReadAsStringAsync());
            }
            using var ok = await right.GetAsync(path);
            Assert.True(ok.StatusCode == HttpStatusCode.OK, path);
        }
        var (code, _) = await anon.PostJsonAsync("/api/alarm/ack", "{\"by\":\"x\"}");
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        foreach (var path in new[] { "/api/ping", "/", "/app.js", "/style.css", "/live.js", "/cab", "/cab.js", "/cab.css" })
        {
            using var r = await anon.GetAsync(path);
            Assert.True(r.StatusCode == HttpStatusCode.OK, path);
        }
        using (var h = await anon.GetAsync("/health"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, h.StatusCode); // starting: answered without a key, 503 by its own rule

        using var ws = new ClientWebSocket();
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(ApiClient.WsUri(d.ApiUrl), CancellationToken.None));
        using var wsKey = new ClientWebSocket();
        wsKey.Options.SetRequestHeader("X-Api-Key", Key);
        await wsKey.ConnectAsync(ApiClient.WsUri(d.ApiUrl), CancellationToken.None);
        Assert.Equal("hello", (await wsKey.ReceiveJsonAsync(Timeout)).Str("type"));
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task The_page_trades_the_key_once_for_an_httponly_strict_session_cookie_that_opens_the_websocket()
    {
        var (d, dir) = await StartWithKeyAsync();
        await using var _ = d;
        using var __ = dir;
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var c = new HttpClient(handler) { BaseAddress = new Uri(d.ApiUrl) };

        var (code, _) = await c.PostJsonAsync("/api/session", "{\"key\":\"wrong-key-wrong-key-wrong\"}");
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        using (var r = await c.PostAsync("/api/session", new StringContent($"{{\"key\":\"{Key}\"}}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
            var setCookie = r.Headers.GetValues("Set-Cookie").Single();
            Assert.StartsWith("kavach_session=", setCookie, StringComparison.Ordinal);
            Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Key, setCookie, StringComparison.Ordinal);
        }
        using (var s = await c.GetAsync("/api/status"))
            Assert.Equal(HttpStatusCode.OK, s.StatusCode);

        using var ws = new ClientWebSocket();
        ws.Options.Cookies = cookies;
        await ws.ConnectAsync(ApiClient.WsUri(d.ApiUrl), CancellationToken.None);
        Assert.Equal("hello", (await ws.ReceiveJsonAsync(Timeout)).Str("type"));

        // A page from another site cannot ride on the cookie.
        using var foreign = new ClientWebSocket();
        foreign.Options.Cookies = cookies;
        foreign.Options.SetRequestHeader("Origin", "http://evil.example");
        await Assert.ThrowsAsync<WebSocketException>(() => foreign.ConnectAsync(ApiClient.WsUri(d.ApiUrl), CancellationToken.None));

        using (var end = await c.DeleteAsync("/api/session"))
            Assert.Equal(HttpStatusCode.NoContent, end.StatusCode);
        using (var s = await c.GetAsync("/api/status"))
            Assert.Equal(HttpStatusCode.Unauthorized, s.StatusCode);
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Bound_to_loopback_without_a_key_no_key_is_needed()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        using var c = d.NewHttpClient();
        foreach (var path in new[] { "/api/status", "/api/events", "/metrics" })
        {
            using var r = await c.GetAsync(path);
            Assert.True(r.StatusCode == HttpStatusCode.OK, path);
        }
        using var s = await c.PostAsync("/api/session", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, s.StatusCode);
        Assert.False(s.Headers.Contains("Set-Cookie"));
        Assert.Contains(d.Log.Messages, m => m.Contains("loopback only, no key needed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Beyond_loopback_without_a_key_the_daemon_refuses_to_start_with_exit_2_naming_Api_KeyFile()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(dir.File("kavach.json"), TestConfig.Minimal);
        var env = new Dictionary<string, string> { ["KAVACH_Api__Urls"] = "http://0.0.0.0:0", ["KAVACH_Storage__Path"] = dir.File("k.db") };
        var (code, _, stderr) = await DaemonProcess.RunAsync(dir.Path, Timeout, env, "--config", dir.File("kavach.json"));
        Assert.Equal(2, code);
        Assert.Contains("Api.KeyFile: required", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);

        // With a key over plain HTTP it is refused too: the key would cross the network in clear text.
        env["KAVACH_Api__KeyFile"] = dir.Secret("api.key", Key + "\n");
        (code, var stdout, stderr) = await DaemonProcess.RunAsync(dir.Path, Timeout, env, "--config", dir.File("kavach.json"));
        Assert.True(code == 2, stdout + stderr);
        Assert.Contains(
            "Api.Urls: 'http://0.0.0.0:0' would send the API key in clear text beyond loopback",
            stderr,
            StringComparison.Ordinal
        );
        Assert.Contains("Api.AllowInsecureHttp", stderr, StringComparison.Ordinal);

        // With a key and AllowInsecureHttp it starts on every interface (0.0.0.0:0 in this test only), and wants the key.
        var (d, keyDir) = await StartWithKeyAsync("http://0.0.0.0:0", allowInsecureHttp: true);
        await using var _ = d;
        using var __ = keyDir;
        var port = new Uri(d.ApiUrl.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
        using var c = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var r = await c.GetAsync("/api/status");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Contains(d.Log.Messages, m => m.Contains("API key required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Https_with_a_pem_certificate_and_key()
    {
        using var dir = Repo.NewTempDir();
        using var rsa = RSA.Create(2048);
        var req = new CertificateRequest("CN=kavach-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(dir.File("cert.pem"), cert.ExportCertificatePem());
        dir.Secret("key.pem", rsa.ExportPkcs8PrivateKeyPem());
        await using var d = await DaemonUnderTest.StartAsync(
            overrides: new()
            {
                ["Api:Urls"] = "https://127.0.0.1:0",
                ["Api:CertFile"] = dir.File("cert.pem"),
                ["Api:CertKeyFile"] = dir.File("key.pem"),
            }
        );
        Assert.StartsWith("https://127.0.0.1:", d.ApiUrl, StringComparison.Ordinal);
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == cert.Thumbprint,
        };
        using var c = new HttpClient(handler) { BaseAddress = new Uri(d.ApiUrl) };
        var (code, json) = await c.GetJsonAsync("/api/ping");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.True(json.GetProperty("pong").GetBoolean());
        d.Log.AssertNoErrors();
    }
}
