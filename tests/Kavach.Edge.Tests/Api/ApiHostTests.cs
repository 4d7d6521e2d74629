using System.Net;
using System.Net.WebSockets;
using System.Text;
using Kavach.Edge.Api;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kavach.Edge.Tests.Api;

/// <summary>
/// DNS rebinding and cross-site WebSockets, against the real Kestrel: a request naming a host not served
/// here is 421 before any key is looked at; a page of another origin is 403.
/// </summary>
public class ApiHostTests
{
    private const string Key = "k3y-for-tests-0123456789abcdef";

    private static async Task<HttpResponseMessage> SendAsync(
        HttpClient c,
        HttpMethod method,
        string path,
        string? host,
        string? origin = null,
        string? json = null
    )
    {
        using var req = new HttpRequestMessage(method, path);
        if (host is not null)
            req.Headers.Host = host;
        if (origin is not null)
            req.Headers.Add("Origin", origin);
        if (json is not null)
            req.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await c.SendAsync(req);
    }

    [Fact]
    public async Task A_rebinding_page_cannot_acknowledge_on_a_keyless_loopback_api_421_and_the_alarm_never_hears_of_it()
    {
        // Loopback without a key: every request is authorised, so the Host is the only thing between a
        // page in the technician's browser (evil.example resolving to 127.0.0.1) and the alarm.
        await using var d = await DaemonUnderTest.StartAsync();
        using var c = d.NewHttpClient();
        foreach (var host in new[] { "evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example:80" })
        {
            using var r = await SendAsync(c, HttpMethod.Post, "/api/alarm/ack", host, json: "{\"by\":\"a page\"}");
            Assert.Equal(HttpStatusCode.MisdirectedRequest, r.StatusCode);
            var body = await ApiClient.ReadJsonAsync(r);
            Assert.Equal("misdirected-request", body.Str("error"));
        }
        using (var r = await SendAsync(c, HttpMethod.Post, "/api/maintenance", "evil.example", json: "{\"minutes\":30,\"by\":\"a page\"}"))
            Assert.Equal(HttpStatusCode.MisdirectedRequest, r.StatusCode);
        foreach (var path in new[] { "/api/status", "/health", "/", "/metrics" })
        {
            using var r = await SendAsync(c, HttpMethod.Get, path, "evil.example");
            Assert.True(r.StatusCode == HttpStatusCode.MisdirectedRequest, $"{path}: {(int)r.StatusCode}");
        }
        Assert.DoesNotContain(d.Log.Messages, m => m.Contains("a page", StringComparison.Ordinal)); // no command reached the handlers

        // The loopback names with any port (an SSH tunnel picks its own) are served.
        foreach (var host in new[] { "127.0.0.1", "localhost:9999", "LOCALHOST", "[::1]:8080", new Uri(d.ApiUrl).Authority })
        {
            using var r = await SendAsync(c, HttpMethod.Get, "/api/status", host);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{host}: {(int)r.StatusCode}");
        }
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task With_a_key_the_host_is_checked_first_so_a_rebinding_page_neither_reaches_the_key_check_nor_counts_as_a_guess()
    {
        using var dir = Repo.NewTempDir();
        await using var d = await DaemonUnderTest.StartAsync(
            overrides: new()
            {
                ["Api:KeyFile"] = dir.Secret("api.key", Key + "\n"),
                ["Api:AllowedHosts"] = "post47.example; Kavach-LC47.local.",
            }
        );
        using var right = d.NewHttpClient(Key);
        using var wrong = d.NewHttpClient("not-the-key-at-all-000000");
        using (var r = await SendAsync(right, HttpMethod.Post, "/api/alarm/ack", "evil.example", json: "{\"by\":\"x\"}"))
            Assert.Equal(HttpStatusCode.MisdirectedRequest, r.StatusCode); // the right key does not make another host ours
        for (var i = 0; i < ApiThrottle.MaxWrongKeys + 2; i++)
        {
            using var r = await SendAsync(wrong, HttpMethod.Get, "/api/status", "evil.example");
            Assert.Equal(HttpStatusCode.MisdirectedRequest, r.StatusCode);
        }
        Assert.Equal(0, d.Host.Services.GetRequiredService<ApiThrottle>().WrongKeys);

        // Api.AllowedHosts adds names (any case, a trailing dot, any port).
        foreach (var host in new[] { "post47.example", "POST47.example:8443", "kavach-lc47.local:80" })
        {
            using var r = await SendAsync(right, HttpMethod.Get, "/api/status", host);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{host}: {(int)r.StatusCode}");
        }
        using (var r = await SendAsync(right, HttpMethod.Get, "/api/status", "post48.example"))
            Assert.Equal(HttpStatusCode.MisdirectedRequest, r.StatusCode);
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_websocket_or_post_from_a_page_of_another_origin_is_403_and_one_from_an_allowed_host_is_served()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        foreach (
            var origin in new[] { "http://evil.example", "https://evil.example:8080", "null", "file://", "http://127.0.0.1.evil.example" }
        )
        {
            using var ws = new ClientWebSocket();
            ws.Options.CollectHttpResponseDetails = true;
            ws.Options.SetRequestHeader("Origin", origin);
            await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(ApiClient.WsUri(d.ApiUrl), CancellationToken.None));
            Assert.True(ws.HttpStatusCode == HttpStatusCode.Forbidden, $"{origin}: {(int)ws.HttpStatusCode}");
        }
        // The page reached through an SSH tunnel on another port (Host and Origin localhost:9999) is ours.
        using (var tunnel = new ClientWebSocket())
        {
            tunnel.Options.SetRequestHeader("Origin", "http://localhost:9999");
            await tunnel.ConnectAsync(ApiClient.WsUri(d.ApiUrl), CancellationToken.None);
            Assert.Equal("hello", (await tunnel.ReceiveJsonAsync(TimeSpan.FromSeconds(20))).Str("type"));
        }
        using var c = d.NewHttpClient();
        using (
            var r = await SendAsync(c, HttpMethod.Post, "/api/alarm/ack", host: null, origin: "http://evil.example", json: "{\"by\":\"x\"}")
        )
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (
            var r = await SendAsync(
                c,
                HttpMethod.Get,
                "/api/status",
                host: null,
                origin: new Uri(d.ApiUrl).GetLeftPart(UriPartial.Authority)
            )
        )
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        d.Log.AssertNoErrors();
    }
}
