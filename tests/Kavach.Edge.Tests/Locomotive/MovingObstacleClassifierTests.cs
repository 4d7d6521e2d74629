using CsCheck;
using Kavach.Edge.Configuration;
using Kavach.Edge.Locomotive;

namespace Kavach.Edge.Tests.Locomotive;

public sealed class MovingObstacleClassifierTests
{
    private static readonly TrainOptions Train = new(); // defaults: S(20 m/s) = 144 + 625 = 769 m, margin 50 m, half-width 2 m
    private static readonly MovingObstacleClassifier Classifier = new(new BrakingModel(Train), Train);

    [Fact]
    public void Curve_radius_comes_from_speed_and_heading_rate()
    {
        // 25 m/s turning 0.025 rad/s (1.4324°/s) to the right: R = 1000 m; to the left: −1000 m.
        Assert.Equal(1000, TrackCorridor.CurveRadiusM(25, 0.025 * 180 / Math.PI), 6);
        Assert.Equal(-1000, TrackCorridor.CurveRadiusM(25, -0.025 * 180 / Math.PI), 6);
        Assert.Equal(double.PositiveInfinity, TrackCorridor.CurveRadiusM(25, 0.001)); // straight
        Assert.Equal(double.PositiveInfinity, TrackCorridor.CurveRadiusM(1, 5)); // too slow to trust the course
        Assert.Equal(double.PositiveInfinity, TrackCorridor.CurveRadiusM(double.NaN, 1)); // no speed: assume straight
    }

    [Theory]
    [InlineData(10, 12, 1, 2)]
    [InlineData(359, 1, 1, 2)] // across north, the short way
    [InlineData(1, 359, 0.5, -4)]
    [InlineData(90, 270, 1, 180)] // a reversal reads as +180
    public void Heading_rate_takes_the_short_way_round(double from, double to, double seconds, double rate) =>
        Assert.Equal(rate, TrackCorridor.HeadingRateDegPerS(from, to, seconds), 9);

    [Fact]
    public void Heading_rate_without_a_course_is_unknown_and_then_the_track_is_taken_as_straight()
    {
        var rate = TrackCorridor.HeadingRateDegPerS(double.NaN, 10, 1);
        Assert.True(double.IsNaN(rate));
        Assert.Equal(double.PositiveInfinity, TrackCorridor.CurveRadiusM(25, rate));
        Assert.True(double.IsNaN(TrackCorridor.HeadingRateDegPerS(10, 12, 0)));
    }

    [Theory]
    [InlineData(1000, 1.5, 54.77)] // docs/locomotive.md: L = √(2·R·w)
    [InlineData(3000, 1.5, 94.87)]
    [InlineData(1000, 2.0, 63.25)]
    public void A_straight_beam_on_a_curve_covers_the_sagitta_length(double radius, double halfWidth, double covered)
    {
        var c = TrackCorridor.For(radius, halfWidth, reachM: 180);
        Assert.Equal(covered, c.CoveredLengthM, 2);
        Assert.True(c.Reduced);
        Assert.Equal(180, TrackCorridor.For(double.PositiveInfinity, halfWidth, 180).CoveredLengthM);
        Assert.False(TrackCorridor.For(double.PositiveInfinity, halfWidth, 180).Reduced);
    }

    [Fact]
    public void A_sensor_with_a_field_of_view_follows_the_curve_further()
    {
        // ±10°: the centre line stays in view up to 2·R·tan 10° = 352.6 m on R = 1000 m; a 100 m radar keeps its reach.
        Assert.Equal(100, TrackCorridor.For(1000, 2, 100, fieldOfViewHalfDeg: 10).CoveredLengthM);
        Assert.Equal(2 * 500 * Math.Tan(10 * Math.PI / 180), TrackCorridor.For(500, 2, 300, 10).CoveredLengthM, 6);
    }

    [Fact]
    public void On_straight_track_an_object_ahead_is_high_within_stopping_distance_plus_margin_and_medium_beyond()
    {
        var straight = TrackCorridor.For(double.PositiveInfinity, 2, 180);
        // 72 km/h: S = 769 m; a stalled vehicle at 170 m is HIGH.
        var stalled = Classifier.Classify(new CabReturn(170, 0, 20), 20, straight);
        Assert.Equal(CabVerdict.High, stalled.Verdict);
        Assert.True(stalled.Stationary);
        // 18 km/h: S(5) = 36 + 39.06 = 75.06 m; +50 = 125.06. At 120 m HIGH, at 130 m MEDIUM.
        Assert.Equal(CabVerdict.High, Classifier.Classify(new CabReturn(120, 0, double.NaN), 5, straight).Verdict);
        Assert.Equal(CabVerdict.Medium, Classifier.Classify(new CabReturn(130, 0, double.NaN), 5, straight).Verdict);
    }

    [Fact]
    public void Masts_platforms_and_piers_beside_straight_track_are_not_obstacles()
    {
        var straight = TrackCorridor.For(double.PositiveInfinity, 2, 100, 10);
        // A mast 3.5 m right of the centre line, 40 m ahead: bearing atan(3.5/40) = 5.0°; it closes at v·cos(bearing).
        var bearing = Math.Atan2(3.5, 40) * 180 / Math.PI;
        var mast = Classifier.Classify(
            new CabReturn(Math.Sqrt(40 * 40 + 3.5 * 3.5), bearing, 15 * Math.Cos(bearing * Math.PI / 180)),
            15,
            straight
        );
        Assert.Equal(CabVerdict.OffTrackStatic, mast.Verdict);
        Assert.Equal(3.5, mast.OffsetFromTrackM, 6);
        // A car on a road beside the line, moving: off track too, and said to be moving.
        var car = Classifier.Classify(new CabReturn(Math.Sqrt(40 * 40 + 3.5 * 3.5), bearing, 3), 15, straight);
        Assert.Equal(CabVerdict.OffTrackMoving, car.Verdict);
        // A person 1 m off the centre line at 40 m: on the track.
        Assert.Equal(CabVerdict.High, Classifier.Classify(new CabReturn(40, Math.Atan2(1, 40) * 180 / Math.PI, 15), 15, straight).Verdict);
    }

    [Fact]
    public void On_a_curve_a_straight_beam_beyond_its_covered_length_sees_trackside_objects_not_obstacles()
    {
        // R = 1000 m to the right, beam sensor: covered 63.2 m. The beam at 40 m is 0.8 m from the centre line (on
        // track); at 120 m it is 7.2 m off (a trackside tree).
        var curve = TrackCorridor.For(1000, 2, 180);
        var near = Classifier.Classify(new CabReturn(40, 0, 20), 20, curve);
        Assert.Equal(CabVerdict.High, near.Verdict);
        Assert.Equal(0.8, near.OffsetFromTrackM, 6);
        var tree = Classifier.Classify(new CabReturn(120, 0, 20), 20, curve);
        Assert.Equal(CabVerdict.OffTrackStatic, tree.Verdict);
        Assert.Equal(7.2, tree.OffsetFromTrackM, 6);
    }

    [Fact]
    public void A_sensor_with_bearing_finds_an_object_on_the_curving_track_and_not_its_mirror_image()
    {
        var left = TrackCorridor.For(-1000, 2, 180, 10);
        // On the left-hand curve the centre line at 100 m ahead is 5 m to the left.
        var onTrack = new CabReturn(Math.Sqrt(100 * 100 + 25), Math.Atan2(-5, 100) * 180 / Math.PI, double.NaN);
        var mirrored = onTrack with { BearingDeg = -onTrack.BearingDeg };
        Assert.True(Classifier.Classify(onTrack, 20, left).IsObstacle);
        Assert.False(Classifier.Classify(mirrored, 20, left).IsObstacle);
    }

    [Fact]
    public void Without_a_trustworthy_speed_every_return_on_the_track_is_high()
    {
        var straight = TrackCorridor.For(double.PositiveInfinity, 2, 180);
        var r = Classifier.Classify(new CabReturn(175, 0, 12), double.NaN, straight);
        Assert.Equal(CabVerdict.High, r.Verdict);
        Assert.Null(r.Stationary);
    }

    [Fact]
    public void Any_return_on_the_centre_line_within_the_covered_length_is_an_obstacle_and_none_beyond_it_for_a_beam()
    {
        Gen.Select(Gen.Double[300, 20_000], Gen.Bool, Gen.Double[0.5, 5], Gen.Double[1, 400], Gen.Double[0, 40])
            .Sample(
                (radius, right, halfWidth, along, speed) =>
                {
                    var r = right ? radius : -radius;
                    var withView = TrackCorridor.For(r, halfWidth, 400, 15);
                    var lateral = withView.CentreLineOffsetM(along);
                    var onLine = new CabReturn(
                        Math.Sqrt(along * along + lateral * lateral),
                        Math.Atan2(lateral, along) * 180 / Math.PI,
                        double.NaN
                    );
                    if (along <= withView.CoveredLengthM)
                        Assert.True(Classifier.Classify(onLine, speed, withView).IsObstacle);

                    var beam = TrackCorridor.For(r, halfWidth, 400);
                    var straightAhead = Classifier.Classify(new CabReturn(along, 0, double.NaN), speed, beam);
                    Assert.Equal(along <= beam.CoveredLengthM + 1e-9, straightAhead.IsObstacle);
                },
                iter: 3000
            );
    }
}
