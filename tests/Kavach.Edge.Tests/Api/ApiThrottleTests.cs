using System.Net;
using System.Text;
using Kavach.Edge.Api;
using Kavach.Edge.Hosting;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace Kavach.Edge.Tests.Api;

/// <summary>
/// The brute-force lockout of the API key: the real daemon and a real Kestrel on loopback, the throttle
/// alone on a <see cref="FakeTimeProvider"/> (the rest of the daemon on the system clock), so the window
/// and the lockout pass by advancing the clock, never by sleeping.
/// </summary>
public class ApiThrottleTests
{
    private const string Key = "k3y-for-tests-0123456789abcdef";
    private const string WrongKey = "not-the-key-at-all-000000";

    private static async Task<(DaemonUnderTest D, TempDir Dir)> StartAsync(FakeTimeProvider clock)
    {
        var dir = Repo.NewTempDir();
        dir.Secret("api.key", Key + "\n");
        var d = await DaemonUnderTest.StartAsync(
            overrides: new() { ["Api:Urls"] = "http://127.0.0.1:0", ["Api:KeyFile"] = dir.File("api.key") },
            extra: s => s.AddSingleton(sp => new ApiThrottle(clock, sp.GetRequiredService<KavachMetrics>()))
        );
        return (d, dir);
    }

    private static async Task WrongKeysAsync(HttpClient wrong, int count, FakeTimeProvider? clock = null, TimeSpan step = default)
    {
        for (var i = 0; i < count; i++)
        {
            if (i > 0 && clock is not null)
                clock.Advance(step);
            using var r = await wrong.GetAsync("/api/status");
            Assert.True(r.StatusCode == HttpStatusCode.Unauthorized, $"wrong key {i + 1} of {count}: {(int)r.StatusCode}, expected 401");
        }
    }

    private static async Task<HttpStatusCode> SessionAsync(HttpClient c, string? key)
    {
        using var r = await c.PostAsync(
            "/api/session",
            new StringContent(key is null ? "{}" : $"{{\"key\":\"{key}\"}}", Encoding.UTF8, "application/json")
        );
        return r.StatusCode;
    }

    private static IReadOnlyList<string> Lockouts(DaemonUnderTest d) =>
        d
            .Log.Events.Where(e =>
                e.Level == LogEventLevel.Warning
                && e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("locked out", StringComparison.Ordinal)
            )
            .Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

    private static async Task AssertLockedOutAsync(HttpResponseMessage r, int retryAfterS)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(retryAfterS), r.Headers.RetryAfter?.Delta);
        var json = await ApiClient.ReadJsonAsync(r);
        Assert.Equal("too-many-requests", json.Str("error"));
        Assert.Contains("wrong API keys", json.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ten_wrong_keys_within_60_s_lock_the_address_out_with_429_and_Retry_After_even_for_the_right_key()
    {
        var clock = new FakeTimeProvider();
        var (d, dir) = await StartAsync(clock);
        await using var _ = d;
        using var __ = dir;
        using var wrong = d.NewHttpClient(WrongKey);
        using var right = d.NewHttpClient(Key);
        using var anon = d.NewHttpClient();

        await WrongKeysAsync(wrong, ApiThrottle.MaxWrongKeys, clock, TimeSpan.FromSeconds(6)); // 10 in 54 s
        Assert.Single(Lockouts(d));
        Assert.Contains("127.0.0.1", Lockouts(d)[0], StringComparison.Ordinal);

        using (var r = await wrong.GetAsync("/api/status"))
            await AssertLockedOutAsync(r, 60);
        clock.Advance(TimeSpan.FromSeconds(20));
        foreach (var path in new[] { "/api/status", "/api/events", "/metrics" })
        {
            using var r = await right.GetAsync(path);
            await AssertLockedOutAsync(r, 40);
        }
        using (var r = await right.PostAsync("/api/alarm/ack", new StringContent("{\"by\":\"x\"}", Encoding.UTF8, "application/json")))
            await AssertLockedOutAsync(r, 40);
        using (var r = await anon.GetAsync("/api/status"))
            await AssertLockedOutAsync(r, 40);
        Assert.Equal(HttpStatusCode.TooManyRequests, await SessionAsync(anon, Key)); // the page cannot trade the right key either
        Assert.Equal(HttpStatusCode.TooManyRequests, await SessionAsync(anon, WrongKey));

        var throttle = d.Host.Services.GetRequiredService<ApiThrottle>();
        Assert.Equal(ApiThrottle.MaxWrongKeys, throttle.WrongKeys); // refused unchecked while locked: not counted
        Assert.Equal(1, throttle.Lockouts);
        Assert.Single(Lockouts(d)); // one warning per lockout, not one per refused request
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Health_ping_and_the_page_answer_during_a_lockout()
    {
        var clock = new FakeTimeProvider();
        var (d, dir) = await StartAsync(clock);
        await using var _ = d;
        using var __ = dir;
        using var wrong = d.NewHttpClient(WrongKey);
        await WrongKeysAsync(wrong, ApiThrottle.MaxWrongKeys);
        using (var r = await wrong.GetAsync("/api/status"))
            await AssertLockedOutAsync(r, 60);

        foreach (var path in new[] { "/api/ping", "/", "/index.html", "/app.js", "/style.css" })
        {
            using var r = await wrong.GetAsync(path);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{path}: {(int)r.StatusCode}");
        }
        var (code, health) = await wrong.GetJsonAsync("/health");
        Assert.True(code is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"/health: {(int)code}"); // by its own rule, not 429
        Assert.False(string.IsNullOrEmpty(health.Str("status")));
        using (var r = await wrong.DeleteAsync("/api/session"))
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode); // logging out needs no key
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task After_the_lockout_the_right_key_works_again_and_wrong_keys_count_afresh()
    {
        var clock = new FakeTimeProvider();
        var (d, dir) = await StartAsync(clock);
        await using var _ = d;
        using var __ = dir;
        using var wrong = d.NewHttpClient(WrongKey);
        using var right = d.NewHttpClient(Key);
        using var anon = d.NewHttpClient();
        await WrongKeysAsync(wrong, ApiThrottle.MaxWrongKeys);

        clock.Advance(ApiThrottle.Lockout - TimeSpan.FromMilliseconds(1));
        using (var r = await right.GetAsync("/api/status"))
            await AssertLockedOutAsync(r, 1); // the last millisecond still counts
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using (var r = await right.GetAsync("/api/status"))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, await SessionAsync(anon, Key));

        // A clean slate: nine more wrong keys do not lock (the ten before the lockout are forgotten), the tenth does.
        await WrongKeysAsync(wrong, ApiThrottle.MaxWrongKeys - 1);
        using (var r = await right.GetAsync("/api/status"))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await WrongKeysAsync(wrong, 1);
        using (var r = await right.GetAsync("/api/status"))
            await AssertLockedOutAsync(r, 60);
        Assert.Equal(2, Lockouts(d).Count);
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Wrong_keys_spread_over_more_than_the_window_do_not_lock()
    {
        var clock = new FakeTimeProvider();
        var (d, dir) = await StartAsync(clock);
        await using var _ = d;
        using var __ = dir;
        using var wrong = d.NewHttpClient(WrongKey);
        using var right = d.NewHttpClient(Key);

        // Twenty wrong keys, one every 7 s: any ten of them span 63 s.
        await WrongKeysAsync(wrong, 2 * ApiThrottle.MaxWrongKeys, clock, TimeSpan.FromSeconds(7));
        using (var r = await right.GetAsync("/api/status"))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        // The window slides: five, a pause longer than the window, then nine do not lock; one more (ten within 60 s) does.
        clock.Advance(ApiThrottle.Window);
        await WrongKeysAsync(wrong, 5);
        clock.Advance(ApiThrottle.Window);
        await WrongKeysAsync(wrong, ApiThrottle.MaxWrongKeys - 1);
        using (var r = await right.GetAsync("/api/status"))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Empty(Lockouts(d));
        await WrongKeysAsync(wrong, 1);
        using (var r = await right.GetAsync("/api/status"))
            await AssertLockedOutAsync(r, 60);
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Wrong_keys_at_POST_api_session_count_and_missing_keys_do_not_and_the_metrics_say_so()
    {
        var clock = new FakeTimeProvider();
        var (d, dir) = await StartAsync(clock);
        await using var _ = d;
        using var __ = dir;
        using var anon = d.NewHttpClient();
        using var right = d.NewHttpClient(Key);

        for (var i = 0; i < 3 * ApiThrottle.MaxWrongKeys; i++)
        {
            using var r = await anon.GetAsync("/api/status"); // no key at all: 401, never a lockout
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, await SessionAsync(anon, null));
        }
        using (var empty = d.NewHttpClient(""))
        using (var r = await empty.GetAsync("/api/status"))
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode); // an empty header is a missing key
        using (var r = await right.GetAsync("/metrics"))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.Contains("kavach_edge_api_auth_wrong_keys 0", text, StringComparison.Ordinal);
            Assert.Contains("kavach_edge_api_auth_lockouts 0", text, StringComparison.Ordinal);
        }

        for (var i = 0; i < ApiThrottle.MaxWrongKeys; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, await SessionAsync(anon, WrongKey));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SessionAsync(anon, Key));
        Assert.Single(Lockouts(d));

        clock.Advance(ApiThrottle.Lockout);
        using (var r = await right.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var text = await r.Content.ReadAsStringAsync();
            Assert.Contains($"kavach_edge_api_auth_wrong_keys {ApiThrottle.MaxWrongKeys}", text, StringComparison.Ordinal);
            Assert.Contains("kavach_edge_api_auth_lockouts 1", text, StringComparison.Ordinal);
        }
        d.Log.AssertNoErrors();
    }

    [Fact]
    public void Addresses_are_counted_apart_and_an_IPv4_mapped_address_is_its_IPv4_address()
    {
        var clock = new FakeTimeProvider();
        var t = new ApiThrottle(clock);
        var a = IPAddress.Parse("10.0.0.7");
        var b = IPAddress.Parse("10.0.0.8");
        for (var i = 0; i < ApiThrottle.MaxWrongKeys - 1; i++)
        {
            Assert.False(t.RecordWrongKey(a));
            Assert.False(t.RecordWrongKey(b));
        }
        Assert.True(t.RecordWrongKey(a.MapToIPv6()));
        Assert.True(t.IsLockedOut(a, out var left));
        Assert.Equal(ApiThrottle.Lockout, left);
        Assert.False(t.IsLockedOut(b, out _));
        Assert.False(t.IsLockedOut(null, out _));
    }

    [Fact]
    public void The_table_is_capped_and_a_flood_of_new_addresses_does_not_free_a_locked_out_one()
    {
        var clock = new FakeTimeProvider();
        var t = new ApiThrottle(clock);
        var attacker = IPAddress.Parse("192.168.1.66");
        for (var i = 0; i < ApiThrottle.MaxWrongKeys; i++)
            t.RecordWrongKey(attacker);
        Assert.True(t.IsLockedOut(attacker, out _));

        var newcomer = IPAddress.Parse("10.0.0.1");
        for (var i = 0; i < 3 * ApiThrottle.MaxTracked; i++)
        {
            t.RecordWrongKey(new IPAddress(new byte[] { 10, 1, (byte)(i >> 8), (byte)i }));
            Assert.True(t.Tracked <= ApiThrottle.MaxTracked, $"{t.Tracked} addresses tracked");
        }
        Assert.Equal(ApiThrottle.MaxTracked, t.Tracked);
        clock.Advance(ApiThrottle.Lockout - TimeSpan.FromSeconds(1));
        Assert.True(t.IsLockedOut(attacker, out var left)); // evicted last: still locked out
        Assert.Equal(TimeSpan.FromSeconds(1), left);

        // Entries older than the window go first: one newcomer empties the table of the flood.
        clock.Advance(TimeSpan.FromSeconds(1));
        t.RecordWrongKey(newcomer);
        Assert.Equal(1, t.Tracked);
    }

    [Fact]
    public async Task Concurrent_wrong_keys_from_one_address_start_exactly_one_lockout()
    {
        var clock = new FakeTimeProvider();
        var t = new ApiThrottle(clock);
        var address = IPAddress.Parse("10.1.2.3");
        var started = 0;
        using var go = new ManualResetEventSlim();
        var workers = Enumerable
            .Range(0, 8)
            .Select(_ =>
                Task.Run(() =>
                {
                    go.Wait();
                    for (var i = 0; i < 500; i++)
                        if (t.RecordWrongKey(address))
                            Interlocked.Increment(ref started);
                })
            )
            .ToArray();
        go.Set();
        await Task.WhenAll(workers);
        Assert.Equal(1, started);
        Assert.Equal(4000, t.WrongKeys);
        Assert.Equal(1, t.Lockouts);
        Assert.True(t.IsLockedOut(address, out _));
    }
}
