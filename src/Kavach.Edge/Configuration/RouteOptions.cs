namespace Kavach.Edge.Configuration;

/// <summary>
/// <c>Route</c> section (locomotive mode only): the route files of the lines this train runs on, and when a landmark
/// ahead is announced (docs/route.md). The files are read at start-up (<see cref="Kavach.Edge.Route.RouteFiles"/>); a bad
/// row refuses the configuration (exit 2) naming the file, the row and the field. Trackside units refuse the section.
/// </summary>
public sealed class RouteOptions
{
    /// <summary>True when the configuration had a Route section.</summary>
    public bool Present { get; private set; }

    /// <summary>Route files, CSV (<c>.csv</c>) or GeoJSON (<c>.geojson</c>, <c>.json</c>), read in this order; a relative
    /// path is resolved against the configuration file's folder.</summary>
    public List<string> Files { get; } = [];

    /// <summary>A landmark ahead is announced at this distance, m (or at <see cref="WarnTimeS"/>, whichever comes first).</summary>
    public double WarnDistanceM { get; set; } = 500;

    /// <summary>...or this long before the train reaches it at its current speed, s (0: the distance alone).</summary>
    public double WarnTimeS { get; set; } = 30;

    /// <summary>Per landmark kind (route-file names: "level-crossing"), the alarm pattern of its announcement; a kind not
    /// listed shows <c>Alarm.Patterns.Announce</c>.</summary>
    public Dictionary<Route.LandmarkKind, Alarm.AlarmPattern> Patterns { get; } = [];

    /// <summary>Reads the section; <paramref name="mode"/> decides whether it is allowed at all.</summary>
    internal void Read(ConfigReader r, DeviceMode mode)
    {
        Present = true;
        if (mode != DeviceMode.Locomotive)
        {
            r.Errors.Add(
                $"{r.Path}: a Route section is for Device.Mode locomotive; this unit is {DeviceOptions.ModeName(mode)} (a trackside post does not move along a route): remove the section or set Device.Mode"
            );
            r.SkipAll();
            return;
        }
        var files = r.StringList("Files");
        if (files is null || files.Count == 0)
            r.Error("Files", "is required: the route files to load ([\"/etc/kavach/route.csv\", ...]; docs/route.md)");
        else
            Files.AddRange(files);
        WarnDistanceM = r.Double("WarnDistanceM", WarnDistanceM, 50, 5000);
        WarnTimeS = r.Double("WarnTimeS", WarnTimeS, 0, 600);
        r.Section("Patterns", p =>
        {
            foreach (var kind in Enum.GetValues<Route.LandmarkKind>())
            {
                var name = Route.RouteNames.Kind(kind);
                if (kind != Route.LandmarkKind.Track && p.Has(name))
                    p.Section(name, s => Patterns[kind] = AlarmOptions.ReadPattern(s, Alarm.PatternKind.Announce, "announce-" + name));
            }
        });
    }
}
