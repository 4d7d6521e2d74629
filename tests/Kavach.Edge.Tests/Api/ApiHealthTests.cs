using System.Net;
using Kavach.Edge.Api;
using Kavach.Edge.Risk;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kavach.Edge.Tests.Api;

/// <summary><c>/health</c> without the key: the status and a short reason, never a detail that may quote an exception.</summary>
public class ApiHealthTests
{
    private const string Key = "k3y-for-tests-0123456789abcdef";
    private const string Internals = "InvalidOperationException: Sequence contains no elements at /opt/kavach-edge/secret.cs";

    [Fact]
    public async Task Without_the_key_health_is_status_and_a_short_reason_and_the_details_need_the_key()
    {
        using var dir = Repo.NewTempDir();
        await using var d = await DaemonUnderTest.StartAsync(overrides: new() { ["Api:KeyFile"] = dir.Secret("api.key", Key + "\n") });
        d.Host.Services.GetRequiredService<StageFaults>().Raise("safety floor", Internals);

        using var anon = d.NewHttpClient();
        using (var r = await anon.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            var text = await r.Content.ReadAsStringAsync();
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
            Assert.DoesNotContain("/opt/", text, StringComparison.Ordinal);
            var h = await ApiClient.ReadJsonAsync(r);
            Assert.Equal(["status", "reason", "utc"], h.EnumerateObject().Select(p => p.Name));
            Assert.Equal("fault", h.Str("status"));
            Assert.StartsWith("not ok: ", h.Str("reason"), StringComparison.Ordinal);
            Assert.Contains("safety floor", h.Str("reason"), StringComparison.Ordinal);
            Assert.Contains("sensor lidar", h.Str("reason"), StringComparison.Ordinal);
        }

        // A wrong key gets the short answer too, and counts as a guess (or /health would be a free oracle).
        using var wrong = d.NewHttpClient("not-the-key-at-all-000000");
        var (code, hw) = await wrong.GetJsonAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        Assert.False(hw.TryGetProperty("components", out _));
        Assert.Equal(1, d.Host.Services.GetRequiredService<ApiThrottle>().WrongKeys);

        using var right = d.NewHttpClient(Key);
        var (rc, full) = await right.GetJsonAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rc);
        Assert.Equal("FAULT", full.Str("level"));
        var floor = Assert.Single(full.GetProperty("components").EnumerateArray(), x => x.Str("name") == "safety floor");
        Assert.Contains(Internals, floor.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(hw.Str("reason"), full.Str("reason"));
    }
}
