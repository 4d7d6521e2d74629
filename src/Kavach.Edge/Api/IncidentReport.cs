namespace Kavach.Edge.Api;

// The incident report's JSON (GET /api/incidents/{id}, docs/api.md "Incident report"), serialised by ApiJson. Unknown
// numbers are null, never NaN. Times are UTC ISO 8601 text as stored.

/// <summary>
/// One alarm incident: the stretch of a daemon run above LOW that holds the change the id named (from the first change
/// after LOW, or the run's start, to the next LOW), with everything stored from <see cref="From"/> to <see cref="To"/>
/// (10 minutes either side).
/// </summary>
/// <param name="Id">The canonical id, "RUN-CHANGE" of the incident's first change.</param>
/// <param name="Peak">The most severe level of the incident (LOW &lt; MEDIUM &lt; FAULT &lt; HIGH).</param>
/// <param name="Software">AppInfo.Version of the incident's first change.</param>
/// <param name="Commissioning">The commissioning record's hash, null when not commissioned.</param>
/// <param name="OtherBuilds">Builds (version, configuration, commissioning) of rows in the window that differ from the first change's:
/// an upgrade or a new configuration during the window.</param>
/// <param name="Outputs">How the lamps and buzzer are known: they are not stored, so derived from each level (<see cref="IncidentLevel.Outputs"/>).</param>
/// <param name="ClockSynced">Every level change in the window was stamped with an NTP-synchronised clock.</param>
public sealed record IncidentReport(
    string Id,
    string Device,
    DateTimeOffset GeneratedUtc,
    long Run,
    IncidentBound Start,
    IncidentBound End,
    string Peak,
    string From,
    string To,
    string Software,
    string ConfigHash,
    string? Commissioning,
    IReadOnlyList<IncidentBuild> OtherBuilds,
    bool ClockSynced,
    string Outputs,
    IReadOnlyList<IncidentLevel> Levels,
    IReadOnlyList<IncidentHealth> Health,
    IReadOnlyList<IncidentOperator> Operator,
    IncidentSummaries Summaries,
    bool Truncated
);

/// <summary>Where the incident starts or ends. <see cref="How"/>: "start" for the start; for the end "low" (the level
/// returned to LOW at that change), "restart" (the daemon stopped first: <see cref="Utc"/> is its next run's first change),
/// "run-ended" (stopped, no later run stored: the run's last change) or "ongoing" (<see cref="Utc"/> null).</summary>
public sealed record IncidentBound(string How, string? Utc, long? Run, long? Change, string? Level, string? AlertId, long? Seq);

public sealed record IncidentBuild(string Software, string ConfigHash, string? Commissioning, string FirstUtc);

/// <summary>One stored level change with both layers' views (from the alert payload as uplinked).</summary>
/// <param name="InIncident">The change belongs to the incident (not to the 10 minutes around it).</param>
/// <param name="OpensEpisode">A rise in severity: it opened an alarm episode, the number an acknowledgement names.</param>
/// <param name="Floor">The safety floor's view: null when the floor had not assessed.</param>
/// <param name="Model">The model's view: null when no model ran.</param>
/// <param name="Outputs">The indication derived from the level and maintenance (not recorded).</param>
public sealed record IncidentLevel(
    string Utc,
    long? Run,
    long? Change,
    string Level,
    string? Previous,
    bool InIncident,
    bool OpensEpisode,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Faults,
    string RaisedBy,
    bool Maintenance,
    bool? ClockSynced,
    double? VisibilityM,
    bool VisibilityBound,
    string? FogClass,
    Obstacle? Obstacle,
    IncidentFloor? Floor,
    IncidentModel? Model,
    IReadOnlyList<IncidentSensor> Sensors,
    IncidentOutputs Outputs,
    string? AlertId,
    long? Seq
);

public sealed record IncidentFloor(string Level, IReadOnlyList<string> Reasons, string? VisibilitySource, bool VisibilityIsBound);

public sealed record IncidentModel(string Level, double? ObstacleProbability, string? FogClass, double? VisibilityM, string? Abstained);

public sealed record IncidentSensor(string Name, string Kind, string State, double? AgeS);

/// <summary>The pattern shown for a level (<see cref="Alarm.AlarmEngine"/>'s choice without the lamp test and the MinOnMs hold),
/// its lines as configured now, and whether the buzzer may sound (it is silenced after an acknowledgement).</summary>
public sealed record IncidentOutputs(string Pattern, string Green, string Amber, string Red, string Buzzer);

public sealed record IncidentHealth(string Utc, string Sensor, string State, string? Previous, double? AgeS);

/// <param name="InIncident">Names an episode of this incident (same run, episode from its first change to its end).</param>
public sealed record IncidentOperator(
    string Utc,
    string Kind,
    string By,
    string Source,
    long Run,
    long Episode,
    string Detail,
    bool InIncident
);

/// <summary>The per-second sensor summaries of the window averaged over <see cref="StepS"/> seconds (at most
/// <see cref="IncidentReportReader.MaxPoints"/> points per sensor).</summary>
public sealed record IncidentSummaries(int StepS, IReadOnlyList<IncidentSensorSeries> Sensors);

public sealed record IncidentSensorSeries(string Name, string Kind, IReadOnlyList<IncidentPoint> Points);

/// <summary>One step of a sensor: <see cref="T"/> unix seconds (UTC) of its start; the worst state in it (0 never seen, 1 live,
/// 2 stale, 3 frozen); frames summed; the nearest range the least of the step; the others averaged.</summary>
public sealed record IncidentPoint(
    long T,
    long Frames,
    int State,
    double? NoReturnRatio,
    double? MinM,
    double? MedianM,
    double? Strength,
    double? SnrDb,
    double? SpeedMps,
    double? VisibilityM
);
