using System.Globalization;
using Kavach.Protocols;

namespace Kavach.Simulation;

// The locomotive part of a scenario file: platform, train, objects (docs/simulator.md, "Locomotive scenarios").
internal static partial class ScenarioReader
{
    private static (Platform, TrainMotion?, IReadOnlyList<TrackObject>) ConvertLocomotive(
        ScenarioDocument d,
        List<string> errors,
        Func<string, List<string>, string?> readRoute
    )
    {
        var platform = Platform.Trackside;
        if (d.Platform is not null && !SimNames.TryParse(d.Platform, out platform))
        {
            errors.Add($"platform: '{d.Platform}' is not one of {SimNames.AllPlatforms}");
            return (Platform.Trackside, null, []);
        }
        if (platform == Platform.Trackside)
        {
            if (d.Train is not null)
                errors.Add("train: only for \"platform\": \"locomotive\" (a trackside post does not move)");
            if (d.Objects is not null)
                errors.Add("objects: only for \"platform\": \"locomotive\" (a trackside post has obstacle and background)");
            return (platform, null, []);
        }

        // the trackside world's keys have no meaning on a moving train: refuse them rather than ignore them
        if (d.Obstacle is not null)
            errors.Add("obstacle: not used on a locomotive; give each of objects[] its reflectivity and rcsDbsm");
        if (d.Background is not null)
            errors.Add("background: not used on a locomotive; place structures with objects[] (atM, lateralM)");
        if (d.Train is null)
        {
            errors.Add("train: required for \"platform\": \"locomotive\" (speedProfile, track, start)");
            return (platform, null, []);
        }

        var t = d.Train;
        var profile = new List<SpeedKeyframe>();
        if (t.SpeedProfile is null)
            errors.Add("train.speedProfile: required (an array of { tS, speedKmh })");
        for (var i = 0; t.SpeedProfile is not null && i < t.SpeedProfile.Count; i++)
        {
            var k = t.SpeedProfile[i];
            var key = $"train.speedProfile[{i}]";
            if (k is null)
            {
                errors.Add($"{key}: must be an object");
                continue;
            }
            if (k.TimeS is null)
                errors.Add($"{key}.tS: required (seconds)");
            if (k.SpeedKmh is null)
                errors.Add($"{key}.speedKmh: required (km/h)");
            if (k.TimeS is not null && k.SpeedKmh is not null)
                profile.Add(new SpeedKeyframe(k.TimeS.Value, k.SpeedKmh.Value));
        }

        var track = new List<TrackSegment>();
        for (var i = 0; t.Track is not null && i < t.Track.Count; i++)
        {
            var g = t.Track[i];
            var key = $"train.track[{i}]";
            if (g is null)
            {
                errors.Add($"{key}: must be an object");
                continue;
            }
            if (g.LengthM is null)
                errors.Add($"{key}.lengthM: required (metres)");
            var direction = CurveDirection.Straight;
            if (g.Direction is not null && !SimNames.TryParse(g.Direction, out direction))
                errors.Add($"{key}.direction: '{g.Direction}' is not one of {SimNames.AllDirections}");
            else if (g.RadiusM is not null && g.Direction is null)
                errors.Add($"{key}.direction: required with radiusM ({SimNames.AllDirections})");
            else if (g.RadiusM is null && g.Direction is not null)
                errors.Add($"{key}.radiusM: required with direction (metres), or leave both out for a straight");
            if (g.LengthM is not null)
                track.Add(new TrackSegment(g.LengthM.Value, g.RadiusM, direction));
        }

        var route = t.Route is null ? null : ConvertRoute(t.Route, errors, readRoute);
        if (t.Route is not null && t.Track is not null)
            errors.Add("train.track: not used with train.route (the train follows the route's line); leave it out");
        var routePath = route is null ? null : new RoutePath(route);

        TrainStart? start = null;
        if (t.Start is null && t.Route is not null)
            t.Start = new TrainStartDocument();
        if (t.Start is not { } st)
            errors.Add("train.start: required ({ latitudeDeg, longitudeDeg, courseDeg }) for the GNSS fixes");
        else if (t.Route is not null)
        {
            // the route gives the position and the course; a second source of them could only disagree
            if (st.LatitudeDeg is not null || st.LongitudeDeg is not null || st.CourseDeg is not null)
                errors.Add("train.start: with train.route the position and course come from the route; give only altitudeM and utc");
            if (routePath is not null)
                (st.LatitudeDeg, st.LongitudeDeg, st.CourseDeg) = (
                    routePath.StartLatitudeDeg,
                    routePath.StartLongitudeDeg,
                    routePath.StartCourseDeg
                );
        }
        if (t.Start is { } st2 && t.Route is null)
        {
            if (st2.LatitudeDeg is null)
                errors.Add("train.start.latitudeDeg: required (degrees north)");
            if (st2.LongitudeDeg is null)
                errors.Add("train.start.longitudeDeg: required (degrees east)");
            if (st2.CourseDeg is null)
                errors.Add("train.start.courseDeg: required (degrees true, clockwise from north)");
        }
        if (t.Start is { } given)
        {
            var utc = default(DateTime);
            if (
                given.Utc is not null
                && !DateTime.TryParse(
                    given.Utc,
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
                    out utc
                )
            )
                errors.Add($"train.start.utc: '{given.Utc}' is not an ISO 8601 time (e.g. 2026-01-15T06:30:00Z)");
            if (given.LatitudeDeg is not null && given.LongitudeDeg is not null && given.CourseDeg is not null)
            {
                var s = new TrainStart
                {
                    LatitudeDeg = given.LatitudeDeg.Value,
                    LongitudeDeg = given.LongitudeDeg.Value,
                    CourseDeg = given.CourseDeg.Value,
                };
                start = s with
                {
                    AltitudeM = given.AltitudeM ?? s.AltitudeM,
                    Utc = given.Utc is null ? s.Utc : DateTime.SpecifyKind(utc, DateTimeKind.Utc),
                };
            }
        }

        var objects = new List<TrackObject>();
        for (var i = 0; d.Objects is not null && i < d.Objects.Count; i++)
        {
            var o = d.Objects[i];
            var key = $"objects[{i}]";
            if (o is null)
            {
                errors.Add($"{key}: must be an object");
                continue;
            }
            if (o.AtM is null)
            {
                errors.Add($"{key}.atM: required (metres along the track from the train's start)");
                continue;
            }
            var x = new TrackObject { AtM = o.AtM.Value };
            x = x with
            {
                Name = o.Name ?? $"object {i}",
                LateralM = o.LateralM ?? x.LateralM,
                WidthM = o.WidthM ?? x.WidthM,
                Reflectivity = o.Reflectivity ?? x.Reflectivity,
                RcsDbsm = o.RcsDbsm ?? x.RcsDbsm,
                SpeedMps = o.SpeedMps ?? x.SpeedMps,
                FromS = o.FromS ?? x.FromS,
                ToS = o.ToS ?? x.ToS,
            };
            if (o.EveryM is null && o.UntilM is null)
            {
                objects.Add(x);
                continue;
            }
            // a row: one object every everyM metres from atM up to untilM (masts, trees, sleepers of a platform edge)
            if (!(o.EveryM >= 1))
            {
                errors.Add(
                    $"{key}.everyM: {o.EveryM?.ToString(CultureInfo.InvariantCulture) ?? "missing"}: a row needs everyM ≥ 1 (metres) with untilM"
                );
                continue;
            }
            if (!(o.UntilM >= x.AtM))
            {
                errors.Add(
                    $"{key}.untilM: {o.UntilM?.ToString(CultureInfo.InvariantCulture) ?? "missing"}: a row needs untilM ≥ atM (metres) with everyM"
                );
                continue;
            }
            var count = (long)Math.Floor((o.UntilM.Value - x.AtM) / o.EveryM.Value + 1e-9) + 1;
            if (count > MaxRowObjects)
            {
                errors.Add($"{key}: the row has {count} objects; at most {MaxRowObjects}");
                continue;
            }
            for (var j = 0; j < count; j++)
                objects.Add(x with { AtM = x.AtM + j * o.EveryM.Value });
        }

        if (start is null)
            return (platform, null, objects);
        var train = new TrainMotion
        {
            SpeedProfile = profile,
            Track = track,
            Start = start,
            Route = route,
        };
        return (platform, train with { CorridorHalfWidthM = t.CorridorHalfWidthM ?? train.CorridorHalfWidthM }, objects);
    }

    private static TrainRoute? ConvertRoute(TrainRouteDocument r, List<string> errors, Func<string, List<string>, string?> readRoute)
    {
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(r.File))
            errors.Add("train.route.file: required (a route file in the CSV form of docs/route.md)");
        if (string.IsNullOrWhiteSpace(r.Line))
            errors.Add("train.route.line: required (the id of the line to drive, e.g. UP-MAIN)");
        var direction = RouteTravel.Up;
        if (r.Direction is "down")
            direction = RouteTravel.Down;
        else if (r.Direction is not (null or "up"))
            errors.Add($"train.route.direction: '{r.Direction}' is not one of up, down");
        if (errors.Count > before)
            return null;
        if (!r.File!.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"train.route.file: '{r.File}': the simulator reads the CSV form of a route (docs/route.md)");
            return null;
        }
        var text = readRoute(r.File, errors);
        if (text is null)
            return null;
        var routeErrors = new List<string>();
        var line = RouteLine.FromCsv(text, r.File, r.Line!, routeErrors);
        errors.AddRange(routeErrors.Select(e => $"train.route: {e}"));
        if (line is null)
            return null;
        var startM = r.StartM ?? 0;
        if (!(startM >= 0 && startM <= line.LengthM))
        {
            errors.Add($"train.route.startM: {startM} must be 0-{line.LengthM:0.#} (the length of line '{line.Id}', m)");
            return null;
        }
        return new TrainRoute
        {
            File = r.File,
            Text = text,
            Geometry = line,
            Direction = direction,
            StartM = startM,
        };
    }

    // Semantic checks of the locomotive keys, shared by parsed and hand-built scenarios.
    private static void CheckLocomotive(Scenario s, List<string> errors)
    {
        if (s.Platform == Platform.Trackside)
        {
            if (s.Train is not null)
                errors.Add("train: only for \"platform\": \"locomotive\"");
            if (s.Objects.Count > 0)
                errors.Add("objects: only for \"platform\": \"locomotive\"");
            for (var i = 0; i < s.Sensors.Count; i++)
            {
                if (s.Sensors[i].Kind == SensorKind.Gnss)
                    errors.Add($"sensors[{i}].kind: a gnss receiver needs \"platform\": \"locomotive\" (a trackside post does not move)");
            }
            return;
        }

        if (s.Background is not null)
            errors.Add("background: not used on a locomotive; place structures with objects[]");
        for (var i = 0; i < s.Timeline.Count; i++)
        {
            if (s.Timeline[i].Obstacle is not null)
                errors.Add(
                    $"timeline[{i}].obstacle: not used on a locomotive; place the obstacle with objects[] (atM, lateralM 0, fromS/toS)"
                );
        }
        for (var i = 0; i < s.Sensors.Count; i++)
        {
            if (s.Sensors[i].Protocol == SimProtocol.Ld06 || s.Sensors[i].EffectiveVariant == SensorVariant.Ld06)
                errors.Add($"sensors[{i}].protocol: an LD06 scanner is not modelled on a locomotive (use a tf-series LiDAR)");
        }
        if (s.Train is not { } t)
        {
            errors.Add("train: required for \"platform\": \"locomotive\"");
            return;
        }

        if (t.SpeedProfile.Count == 0)
            errors.Add("train.speedProfile: at least one keyframe is required");
        for (var i = 0; i < t.SpeedProfile.Count; i++)
        {
            var k = t.SpeedProfile[i];
            var key = $"train.speedProfile[{i}]";
            if (!(k.TimeS >= 0) || double.IsInfinity(k.TimeS))
                errors.Add($"{key}.tS: {k.TimeS} must be ≥ 0");
            if (i > 0 && !(k.TimeS > t.SpeedProfile[i - 1].TimeS))
                errors.Add($"{key}.tS: {k.TimeS} must be later than train.speedProfile[{i - 1}].tS ({t.SpeedProfile[i - 1].TimeS})");
            if (!(k.SpeedKmh is >= 0 and <= MaxTrainSpeedKmh))
                errors.Add($"{key}.speedKmh: {k.SpeedKmh} must be 0-{MaxTrainSpeedKmh}");
        }
        for (var i = 0; i < t.Track.Count; i++)
        {
            var g = t.Track[i];
            var key = $"train.track[{i}]";
            if (!(g.LengthM > 0) || double.IsInfinity(g.LengthM))
                errors.Add($"{key}.lengthM: {g.LengthM} must be > 0");
            if (g.RadiusM is { } r && !(r is >= MinCurveRadiusM and <= 1e6))
                errors.Add($"{key}.radiusM: {r} must be {MinCurveRadiusM}-1000000");
            if ((g.RadiusM is null) != (g.Direction == CurveDirection.Straight))
                errors.Add($"{key}: a curve needs both radiusM and direction (left or right); a straight neither");
        }
        var st = t.Start;
        if (!(st.LatitudeDeg is >= -85 and <= 85))
            errors.Add($"train.start.latitudeDeg: {st.LatitudeDeg} must be -85..85");
        if (!(st.LongitudeDeg is >= -180 and <= 180))
            errors.Add($"train.start.longitudeDeg: {st.LongitudeDeg} must be -180..180");
        if (!(st.CourseDeg is >= 0 and < 360))
            errors.Add($"train.start.courseDeg: {st.CourseDeg} must be 0..<360");
        if (!(st.AltitudeM is >= -500 and <= 9000))
            errors.Add($"train.start.altitudeM: {st.AltitudeM} must be -500..9000");
        if (!(t.CorridorHalfWidthM is >= 0.5 and <= 5))
            errors.Add($"train.corridorHalfWidthM: {t.CorridorHalfWidthM} must be 0.5-5");

        for (var i = 0; i < s.Objects.Count; i++)
        {
            var o = s.Objects[i];
            var key = $"objects[{i}]";
            if (!double.IsFinite(o.AtM))
                errors.Add($"{key}.atM: must be finite");
            if (!(o.LateralM is >= -100 and <= 100))
                errors.Add($"{key}.lateralM: {o.LateralM} must be -100..100");
            if (!(o.WidthM is > 0 and <= 50))
                errors.Add($"{key}.widthM: {o.WidthM} must be in (0, 50]");
            Range01(o.Reflectivity, $"{key}.reflectivity", errors);
            if (!double.IsFinite(o.RcsDbsm))
                errors.Add($"{key}.rcsDbsm: must be finite");
            if (!(o.SpeedMps is >= -100 and <= 100))
                errors.Add($"{key}.speedMps: {o.SpeedMps} must be -100..100");
            if (!(o.FromS >= 0) || double.IsInfinity(o.FromS))
                errors.Add($"{key}.fromS: {o.FromS} must be ≥ 0");
            if (!(o.ToS > o.FromS))
                errors.Add($"{key}.toS: {o.ToS} must be later than fromS ({o.FromS})");
        }
    }

    /// <summary>Most objects one row may expand to.</summary>
    private const int MaxRowObjects = 5000;

    /// <summary>Fastest profile speed accepted, km/h (above India's fastest services).</summary>
    private const double MaxTrainSpeedKmh = 200;

    /// <summary>Tightest curve accepted, metres (main lines are far wider; sidings go down to about this).</summary>
    private const double MinCurveRadiusM = 100;
}
