namespace Kavach.Edge.Configuration;

/// <summary>
/// <c>Train</c> section (locomotive mode only): how the train this unit rides on brakes, and how the over-speed
/// warning behaves. The braking defaults are for a loaded Indian passenger train on level track (docs/locomotive.md
/// gives the sources and the table); they are defaults to be set per train class, which is why <see cref="Class"/>
/// must be named. Trackside units refuse the section (Device.Mode trackside has no train).
/// </summary>
public sealed class TrainOptions
{
    /// <summary>Standard gravity, m/s² (the gradient term: a gradient of g‰ changes deceleration by g/1000 · 9.80665).</summary>
    public const double GravityMps2 = 9.80665;

    /// <summary>Least effective deceleration accepted after the gradient term, m/s²: below it the model means "cannot stop".</summary>
    public const double MinEffectiveDecelerationMps2 = 0.05;

    /// <summary>True when the configuration had a Train section.</summary>
    public bool Present { get; private set; }

    /// <summary>The train class these figures are for (free text, e.g. "LHB 24-coach passenger"): required, so that
    /// the defaults are taken on purpose, and carried in the logs.</summary>
    public string Class { get; set; } = "";

    /// <summary>
    /// From the warning to full brake effort, s: the driver's response and the brake build-up. Default 7.2 s: the 200 m
    /// reaction distance Indian Railways takes, at 100 km/h.
    /// </summary>
    public double ReactionTimeS { get; set; } = 7.2;

    /// <summary>Emergency braking deceleration on level track, m/s². Default 0.32: a stop in about 1200 m from 100 km/h
    /// (RDSO trial figure for a loaded passenger train).</summary>
    public double EmergencyDecelerationMps2 { get; set; } = 0.32;

    /// <summary>Full service braking deceleration on level track, m/s² (at most the emergency figure). Default 0.25:
    /// about 80 % of the emergency figure, an assumption to replace with the train class's figure.</summary>
    public double ServiceDecelerationMps2 { get; set; } = 0.25;

    /// <summary>
    /// Gradient, per mille, positive uphill: a falling gradient lengthens the stop. Default 0 (level). Set the steepest
    /// falling gradient of the run (negative) for a figure that holds everywhere on it.
    /// </summary>
    public double GradientPermille { get; set; }

    /// <summary>Visibility below which the over-speed warning applies (WMO fog: under 1000 m).</summary>
    public double FogVisibilityM { get; set; } = 1000;

    /// <summary>Over-speed clears only once the speed is this far below the stop-within-sight speed, km/h.</summary>
    public double OverSpeedHysteresisKmh { get; set; } = 5;

    /// <summary>How long the train must run over the stop-within-sight speed before MEDIUM, and how long the clear
    /// condition must hold before it ends, ms (GNSS speed noise does not chatter the warning).</summary>
    public int OverSpeedConfirmMs { get; set; } = 2000;

    /// <summary>
    /// Half-width of the track corridor an obstacle must be in, m, around the centre line. Default 2.0: half the
    /// broad-gauge moving dimension width (about 3.66 m) plus a little; a return farther out is beside the track.
    /// </summary>
    public double CorridorHalfWidthM { get; set; } = 2.0;

    /// <summary>An obstacle on the track within S(v) plus this margin is HIGH, beyond it MEDIUM, m (speed and range
    /// errors, and the length of the train's own nose ahead of the sensor).</summary>
    public double ObstacleMarginM { get; set; } = 50;

    /// <summary>The effective deceleration for a brake application, m/s²: level figure plus the gradient term.</summary>
    public double EffectiveDecelerationMps2(bool emergency) =>
        (emergency ? EmergencyDecelerationMps2 : ServiceDecelerationMps2) + GradientPermille / 1000 * GravityMps2;

    /// <summary>Reads the section; <paramref name="mode"/> decides whether it is allowed at all.</summary>
    internal void Read(ConfigReader r, DeviceMode mode)
    {
        Present = true;
        if (mode != DeviceMode.Locomotive)
        {
            // One line for the whole section: none of its keys mean anything on a trackside post.
            r.Errors.Add(
                $"{r.Path}: a Train section is for Device.Mode locomotive; this unit is {DeviceOptions.ModeName(mode)} (a trackside post has no train to brake): remove the section or set Device.Mode"
            );
            r.SkipAll();
            return;
        }

        Class = r.String("Class", "", allowEmpty: false).Trim();
        if (Class.Length == 0 && !r.Errors.Exists(e => e.StartsWith(r.KeyPath("Class"), StringComparison.Ordinal)))
            r.Error(
                "Class",
                "is required: name the train class these braking figures are for (e.g. \"LHB 24-coach passenger\"); unset figures take the defaults of a loaded passenger train (docs/locomotive.md)"
            );
        ReactionTimeS = r.Double("ReactionTimeS", ReactionTimeS, 0, 60);
        EmergencyDecelerationMps2 = r.Double("EmergencyDecelerationMps2", EmergencyDecelerationMps2, 0.05, 3);
        ServiceDecelerationMps2 = r.Double("ServiceDecelerationMps2", ServiceDecelerationMps2, 0.05, 3);
        GradientPermille = r.Double("GradientPermille", GradientPermille, -40, 40);
        FogVisibilityM = r.Double("FogVisibilityM", FogVisibilityM, 50, 10_000);
        OverSpeedHysteresisKmh = r.Double("OverSpeedHysteresisKmh", OverSpeedHysteresisKmh, 0, 50);
        OverSpeedConfirmMs = r.Int("OverSpeedConfirmMs", OverSpeedConfirmMs, 0, 60_000);
        CorridorHalfWidthM = r.Double("CorridorHalfWidthM", CorridorHalfWidthM, 0.5, 5);
        ObstacleMarginM = r.Double("ObstacleMarginM", ObstacleMarginM, 0, 1000);

        if (ServiceDecelerationMps2 > EmergencyDecelerationMps2)
            r.Error(
                "ServiceDecelerationMps2",
                $"must be at most EmergencyDecelerationMps2 ({EmergencyDecelerationMps2:0.###}), got {ServiceDecelerationMps2:0.###}"
            );
        else if (EffectiveDecelerationMps2(emergency: false) < MinEffectiveDecelerationMps2)
            r.Error(
                "GradientPermille",
                $"{GradientPermille:0.#}‰ leaves the service brake {EffectiveDecelerationMps2(false):0.###} m/s², under {MinEffectiveDecelerationMps2} m/s²: the train could not be stopped on this gradient by this model"
            );
    }

    /// <summary>Locomotive mode without a Train section: an error naming what to add.</summary>
    internal static string MissingSection =>
        "Train: Device.Mode locomotive needs a Train section naming at least its Class (the braking figures default to a loaded passenger train; docs/locomotive.md)";
}
