using System.Net;
using Kavach.Edge.Alarm;
using Kavach.Edge.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Kavach.Edge.Tests.Api;

/// <summary>The local API's side of issue 13 (items 1–3), through a real Kestrel on the real daemon host.</summary>
public class OperatorCommandApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_second_ack_of_the_same_episode_is_409_with_its_reason_and_names_are_stored_clean()
    {
        await using var d = await DaemonUnderTest.StartAsync(); // FAULT "starting": an alarm episode
        var control = d.Host.Services.GetRequiredService<AlarmControl>();
        await Wait.UntilAsync(() => control.CurrentEpisode >= 1, Timeout, "the starting FAULT episode");
        using var c = d.NewHttpClient();

        var (status, r) = await c.PostJsonAsync("/api/alarm/ack", "{\"by\":\"asha\\r\\n\\u001b[31mroot\\u202E\"}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(r.GetProperty("accepted").GetBoolean());
        (status, r) = await c.PostJsonAsync("/api/alarm/ack", "{\"by\":\"asha\"}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.False(r.GetProperty("accepted").GetBoolean());
        Assert.Contains("already acknowledged", r.Str("reason"), StringComparison.Ordinal);

        // a name that is nothing but control characters is no name
        (status, _) = await c.PostJsonAsync("/api/alarm/ack", "{\"by\":\"\\r\\n\\u202E\"}");
        Assert.Equal(HttpStatusCode.BadRequest, status);

        await Wait.UntilAsync(() => Rows(d.DatabasePath).Count >= 2, Timeout, "two operator events stored");
        Assert.Equal([("ack", "asha[31mroot"), ("ack-refused", "asha")], Rows(d.DatabasePath));
        Assert.DoesNotContain(d.Log.Messages, l => l.Contains('\u001b') || l.Contains('\u202E'));
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Maintenance_from_the_page_covers_a_fault_on_the_lamps_but_not_in_the_status()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        using var c = d.NewHttpClient();
        var (status, _) = await c.PostJsonAsync("/api/maintenance", "{\"minutes\":30,\"by\":\"ravi\"}");
        Assert.Equal(HttpStatusCode.OK, status);
        // after the start-up lamp test the lamps show maintenance; the status still says FAULT
        System.Text.Json.JsonElement s = default;
        await Wait.UntilAsync(
            async () => (s = (await c.GetJsonAsync("/api/status")).Json).GetProperty("outputs").Str("pattern") != "lamp-test",
            "the lamp test over",
            Timeout
        );
        Assert.Equal("FAULT", s.Str("level"));
        Assert.True(s.GetProperty("alarm").GetProperty("maintenance").GetBoolean());
        Assert.Equal("maintenance", s.GetProperty("outputs").Str("pattern"));
        d.Log.AssertNoErrors();
    }

    private static List<(string Kind, string By)> Rows(string db)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT kind, by FROM operator_events ORDER BY id";
        using var r = cmd.ExecuteReader();
        var rows = new List<(string, string)>();
        while (r.Read())
            rows.Add((r.GetString(0), r.GetString(1)));
        return rows;
    }
}
