using Kavach.Edge.Alarm;
using Kavach.Edge.Api;
using Kavach.Edge.Assessment;
using Kavach.Edge.Risk;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Api;

/// <summary>
/// The incident report's bounds, window, episodes, builds and summaries, on a database written by the product's own
/// writers (<see cref="EventStore"/>): two daemon runs, known times.
/// </summary>
public class IncidentReportReaderTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Any_change_of_an_incident_names_it_from_its_rise_to_its_low_with_ten_minutes_either_side()
    {
        using var dir = Repo.NewTempDir();
        var reader = Write(dir);
        var r = reader.Read(new IncidentId(1, 4, null), out var missing)!; // the HIGH in the middle
        Assert.Null(missing);
        Assert.Equal("1-3", r.Id); // its first change: MEDIUM after LOW
        Assert.Equal("HIGH", r.Peak);
        Assert.Equal(("start", "2030-01-01T12:00:00.000Z", 3L), (r.Start.How, r.Start.Utc, r.Start.Change));
        Assert.Equal(("low", "2030-01-01T12:08:00.000Z", 6L), (r.End.How, r.End.Utc, r.End.Change));
        Assert.Equal(("2030-01-01T11:50:00.000Z", "2030-01-01T12:18:00.000Z"), (r.From, r.To));

        Assert.Equal([3L, 4, 5, 6], r.Levels.Select(l => l.Change!.Value)); // c2 at 11:01 and c7 at 12:30 are outside
        Assert.All(r.Levels, l => Assert.True(l.InIncident));
        Assert.Equal([true, true, false, false], r.Levels.Select(l => l.OpensEpisode)); // rises open episodes, falls keep them
        Assert.Equal(["medium", "high", "maintenance", "low"], r.Levels.Select(l => l.Outputs.Pattern));
        Assert.Equal(("on", "800/200"), (r.Levels[1].Outputs.Red, r.Levels[1].Outputs.Buzzer));
        Assert.Null(r.Levels[1].Floor); // written without a floor or model view: none invented
        Assert.Null(r.Levels[1].Model);

        Assert.Equal(
            [("ack", "ravi", "2030-01-01T12:03:00.000Z", 4L, true), ("maintenance-start", "mona", "2030-01-01T12:06:00.000Z", 4L, true)],
            r.Operator.Select(o => (o.Kind, o.By, o.Utc, o.Episode, o.InIncident))
        );
        Assert.Equal([("2030-01-01T11:55:00.000Z", "radar", "stale")], r.Health.Select(h => (h.Utc, h.Sensor, h.State)));

        Assert.Equal(("sw-1", "hash-1", "404ab3072a32a613"), (r.Software, r.ConfigHash, r.Commissioning));
        var other = Assert.Single(r.OtherBuilds);
        Assert.Equal(("hash-2", "2030-01-01T12:05:00.000Z"), (other.ConfigHash, other.FirstUtc));

        // 28 min of seconds at ≤ 150 points: 12 s a point; the nearest return of the HIGH kept as the least of its step
        Assert.Equal(12, r.Summaries.StepS);
        var lidar = Assert.Single(r.Summaries.Sensors);
        Assert.InRange(lidar.Points.Count, 130, IncidentReportReader.MaxPoints);
        Assert.All(lidar.Points, p => Assert.InRange(p.T, T0.AddMinutes(-10).ToUnixTimeSeconds(), T0.AddMinutes(18).ToUnixTimeSeconds()));
        Assert.Equal(42.0, lidar.Points.Min(p => p.MinM));
        Assert.Equal(120.0, lidar.Points.Max(p => p.MinM));
        Assert.Equal(12, lidar.Points[1].Frames); // 12 seconds of one frame
        Assert.False(r.Truncated);
    }

    [Fact]
    public void An_incident_cut_by_a_restart_ends_at_the_next_run_and_one_still_open_is_ongoing()
    {
        using var dir = Repo.NewTempDir();
        var reader = Write(dir);
        var cut = reader.Read(new IncidentId(1, 7, null), out _)!;
        Assert.Equal(("restart", "2030-01-01T12:40:00.000Z", 2L, 1L), (cut.End.How, cut.End.Utc, cut.End.Run, cut.End.Change));
        Assert.Equal("2030-01-01T12:50:00.000Z", cut.To);
        Assert.Equal([7L], cut.Levels.Where(l => l.InIncident).Select(l => l.Change!.Value));
        Assert.Equal(["ack"], cut.Operator.Where(o => o.InIncident).Select(o => o.Kind));
        // the restart's FAULT (run 2, change 1) is in the window as context, and opens an episode of its run
        var restart = cut.Levels.Single(l => l.Run == 2 && l.Change == 1);
        Assert.False(restart.InIncident);
        Assert.True(restart.OpensEpisode);

        var open = reader.Read(new IncidentId(2, 3, null), out _)!;
        Assert.Equal(("ongoing", null), (open.End.How, open.End.Utc));
        Assert.Equal("2030-01-01T12:55:00.000Z", open.To); // now (the reader's clock)

        Assert.Null(reader.Read(new IncidentId(1, 6, null), out var missing));
        Assert.Equal("change 6 of run 1 is LOW: it belongs to no alarm incident", missing);
        Assert.Null(reader.Read(new IncidentId(3, 1, null), out missing));
        Assert.Equal("no stored level change 1 in run 3", missing);
    }

    [Theory]
    [InlineData("3-7", true)]
    [InlineData("0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b", true)]
    [InlineData("", false)]
    [InlineData("3", false)]
    [InlineData("3-0", false)]
    [InlineData("+3-7", false)]
    [InlineData("3-7x", false)]
    [InlineData("99999999999999999999-1", false)]
    public void Ids_are_run_dash_change_or_an_alert_uuid(string text, bool ok) => Assert.Equal(ok, IncidentId.TryParse(text, out _));

    // Run 1: FAULT starting 11:00, LOW 11:01, MEDIUM 12:00 (fog), HIGH 12:02, MEDIUM 12:05 (maintenance, a new configuration),
    // LOW 12:08, MEDIUM 12:30 and the daemon stops; run 2: FAULT starting 12:40, LOW 12:41, HIGH 12:50 still open at 12:55.
    private static IncidentReportReader Write(TempDir dir)
    {
        var path = dir.File("kavach.db");
        using (var s = EventStore.Open(path, TimeProvider.System))
        {
            Alert(s, 1, RiskLevel.Fault, -60);
            Alert(s, 2, RiskLevel.Low, -59);
            Alert(s, 3, RiskLevel.Medium, 0);
            Alert(s, 4, RiskLevel.High, 2);
            s.AppendOperator(Op("ack", "ravi", 3, 4), "sw-1", "hash-1", "404ab3072a32a613");
            Alert(s, 5, RiskLevel.Medium, 5, hash: "hash-2", maintenance: true);
            s.AppendOperator(Op("maintenance-start", "mona", 6, 4), "sw-1", "hash-2", "404ab3072a32a613");
            Alert(s, 6, RiskLevel.Low, 8);
            Alert(s, 7, RiskLevel.Medium, 30);
            s.AppendOperator(Op("ack", "zoe", 35, 7), "sw-1", "hash-1", "404ab3072a32a613");
            var rows = new List<SummaryRow>();
            for (var t = T0.AddMinutes(-15).ToUnixTimeSeconds(); t < T0.AddMinutes(20).ToUnixTimeSeconds(); t++)
            {
                var nearest = t == T0.AddMinutes(2).ToUnixTimeSeconds() + 5 ? 42f : 120f;
                rows.Add(new SummaryRow(t, "lidar", "lidar", 1, 0f, nearest, nearest, 500f, float.NaN, float.NaN, float.NaN, 1));
            }
            s.WriteBatch(
                rows,
                [
                    new HealthChange(T0.AddMinutes(-20), "radar", "live", "never-seen", 0.1),
                    new HealthChange(T0.AddMinutes(-5), "radar", "stale", "live", 1.2),
                ],
                "sw-1",
                "hash-1",
                "404ab3072a32a613"
            );
        }
        using (var s = EventStore.Open(path, TimeProvider.System))
        {
            Alert(s, 1, RiskLevel.Fault, 40);
            Alert(s, 2, RiskLevel.Low, 41);
            Alert(s, 3, RiskLevel.High, 50);
        }
        var options = TestConfig.Valid(TestConfig.Minimal, new Dictionary<string, string?> { ["Storage:Path"] = path });
        return new IncidentReportReader(options, new FakeTimeProvider(T0.AddMinutes(55)));
    }

    private static void Alert(EventStore s, long change, RiskLevel level, int minute, string hash = "hash-1", bool maintenance = false) =>
        s.AppendAlert(
            new RiskState
            {
                Change = change,
                Level = level,
                Utc = T0.AddMinutes(minute),
                Reasons = [$"{level} at {minute}"],
                Faults = [],
            },
            new AlertContext("test-unit", "sw-1", hash, true, maintenance, [], Commissioning: "404ab3072a32a613"),
            minute,
            100_000
        );

    private static OperatorEvent Op(string kind, string by, int minute, long episode) =>
        new(kind, by, CommandSource.Api, T0.AddMinutes(minute), episode, "test");
}
