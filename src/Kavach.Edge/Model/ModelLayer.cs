using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Model;

/// <summary>State of the model layer, as health shows it.</summary>
public enum ModelState
{
    /// <summary>Model.Enabled is false: the safety floor alone decides.</summary>
    Disabled,

    /// <summary>The model answers every tick.</summary>
    Running,

    /// <summary>The model could not be loaded and Model.OnLoadFailure is floor-only: the floor alone decides.</summary>
    FloorOnly,

    /// <summary>The model failed at run time (threw, or answered NaN): the floor decides until it answers again.</summary>
    Degraded,
}

/// <summary>The model layer's health: a degradation, never a fault (the floor failing is FAULT; the model failing is not).</summary>
/// <param name="State">Current state.</param>
/// <param name="Message">Why, for the states other than Running ("" when running).</param>
/// <param name="Runs">Windows the model answered.</param>
/// <param name="Failures">Windows the model failed (threw or answered a non-finite or out-of-range value).</param>
/// <param name="Abstentions">Windows the model abstained on (<see cref="ModelGate"/>); while it abstains, Message says why.</param>
public readonly record struct ModelHealth(ModelState State, string Message, long Runs, long Failures, long Abstentions = 0);

/// <summary>
/// The assessment's second layer: the run-time gates (<see cref="ModelGate"/>: abstentions, evidence for a HIGH),
/// feature preparation (<see cref="FeatureVector"/>, into a preallocated buffer) and one model call per tick.
/// <see cref="Assess"/> never throws: a model that throws or
/// answers NaN leaves the safety floor in charge (null view), is logged once per episode, counted in
/// <see cref="Health"/>, and the level is never lowered because of it. Called only from the pipeline's
/// tick loop; <see cref="Health"/> may be read from any thread. Owns and disposes the model.
/// </summary>
public sealed class ModelLayer : IDisposable
{
    private readonly KavachOptions _options;
    private readonly IRiskModel? _model;
    private readonly ILogger _log;
    private readonly float[] _features = new float[FeatureVector.Count];
    private readonly ModelEnvelope? _envelope;
    private volatile StateBox _state;
    private volatile string? _abstaining;
    private ModelView? _abstainedView;
    private string? _logged;
    private long _runs,
        _failures,
        _abstentions,
        _suspicions;

    /// <summary>A layer over <paramref name="model"/> (null: not running, for <paramref name="reason"/>).</summary>
    public ModelLayer(KavachOptions options, IRiskModel? model, ILogger log, ModelState initial = ModelState.Running, string reason = "")
    {
        _options = options;
        _model = model;
        _log = log;
        _envelope = model?.Envelope;
        Gate = new ModelGate(options, WarmUpS);
        _state = new StateBox(model is null ? initial : ModelState.Running, model is null ? reason : "");
        switch (_state.State)
        {
            case ModelState.Running:
                _log.LogInformation(
                    "Model {Path} (sha256 {Sha}) runs on top of the safety floor: HIGH at obstacle probability ≥ {High}, MEDIUM at {Fog} fog",
                    options.Model.ResolvedPath,
                    (model as OnnxRiskModel)?.Sha256 ?? "n/a",
                    options.Model.HighProbability,
                    FogClasses.Name(options.Model.MediumFogClass)
                );
                if (_envelope is not null)
                    _log.LogInformation(
                        "Model training envelope {Path}: the model abstains on windows with an input outside its training range (± {Tolerance:P0} of the span)",
                        ModelEnvelope.PathFor(options.Model.ResolvedPath),
                        _envelope.Tolerance
                    );
                break;
            case ModelState.Disabled:
                _log.LogWarning("Model disabled (Model.Enabled = false): the safety floor alone decides");
                break;
            case ModelState.FloorOnly:
                _log.LogError("Model not loaded, running on the safety floor alone (Model.OnLoadFailure = floor-only): {Reason}", reason);
                break;
        }
    }

    /// <summary>
    /// Loads the configured model and its training envelope (<see cref="ModelEnvelope.PathFor"/>). Returns the layer's model and state;
    /// throws <see cref="ModelLoadException"/> when the file cannot be used and Model.OnLoadFailure is refuse (the daemon exits with code
    /// 2).
    /// </summary>
    public static (IRiskModel? Model, ModelState State, string Reason) Load(ModelOptions options)
    {
        if (!options.Enabled)
            return (null, ModelState.Disabled, "Model.Enabled is false");
        try
        {
            var model = OnnxRiskModel.Load(options.ResolvedPath, options.Sha256);
            try
            {
                model.Envelope = ModelEnvelope.Load(options.ResolvedPath, model.Sha256);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            return (model, ModelState.Running, "");
        }
        catch (ModelLoadException e) when (options.OnLoadFailure == ModelLoadFailure.FloorOnly)
        {
            return (null, ModelState.FloorOnly, e.Message);
        }
    }

    /// <summary>Current health (thread-safe).</summary>
    public ModelHealth Health
    {
        get
        {
            var s = _state;
            var message = s.State == ModelState.Running ? _abstaining ?? "" : s.Message;
            return new ModelHealth(
                s.State,
                message,
                Interlocked.Read(ref _runs),
                Interlocked.Read(ref _failures),
                Interlocked.Read(ref _abstentions)
            );
        }
    }

    /// <summary>The run-time gates (abstentions and evidence), for the metrics.</summary>
    public ModelGate Gate { get; }

    /// <summary>Windows where the model's obstacle probability reached the threshold without evidence (capped at MEDIUM).</summary>
    public long Suspicions => Interlocked.Read(ref _suspicions);

    /// <summary>
    /// The model's view of <paramref name="snapshot"/>: null when the model is not running or failed this tick; a view
    /// with <see cref="ModelView.Abstained"/> when a gate kept the model out of this window (<see cref="ModelGate"/>:
    /// the floor alone decides); else its answer, its HIGH only with evidence in the window.
    /// </summary>
    public ModelView? Assess(FusionSnapshot snapshot)
    {
        if (_model is null)
            return null;
        var abstain = Gate.Sensors(snapshot, WarmUpS);
        ModelOutput o;
        try
        {
            if (abstain is null)
            {
                FeatureVector.Fill(snapshot, _options, _features);
                abstain = Gate.Outside(_envelope, _features);
            }
            if (abstain is not null)
                return Abstain(abstain);
            _model.Predict(_features, out o);
        }
        catch (Exception e)
        {
            Fail($"{e.GetType().Name}: {e.Message}", e);
            return null;
        }
        if (!Valid(o, out var problem))
        {
            Fail(problem, null);
            return null;
        }
        Interlocked.Increment(ref _runs);
        _abstaining = null;
        if (_state.State == ModelState.Degraded)
        {
            _state = new StateBox(ModelState.Running, "");
            _log.LogInformation("Model recovered: it assesses again on top of the safety floor");
        }

        var best = 0;
        for (var i = 1; i < ModelContract.FogClasses; i++)
            if (o.Fog[i] > o.Fog[best])
                best = i;
        var fog = (FogClass)best;
        var m = _options.Model;
        var visibility = Math.Clamp(Math.Pow(10, o.VisibilityLog10), 1, 20_000);
        // the model never invents an obstacle: its HIGH needs a return, a target or a short TTC in this very window
        var above = o.ObstacleProbability >= m.HighProbability;
        var evidence = above && Gate.Evidence(snapshot);
        if (above && !evidence)
            Interlocked.Increment(ref _suspicions);
        return new ModelView
        {
            FogClass = fog,
            FogProbability = o.Fog[best],
            VisibilityM = visibility,
            ObstacleProbability = o.ObstacleProbability,
            Hazard = evidence,
            Suspect = above && !evidence,
            FogMedium = FogMedium(o.Fog, visibility, m.MediumFogClass),
        };
    }

    // One view per abstention episode (the reason string is cached by the gate): no allocation per tick while it lasts.
    private ModelView Abstain(string reason)
    {
        Interlocked.Increment(ref _abstentions);
        if (!ReferenceEquals(_abstaining, reason))
        {
            if (reason != _logged)
                _log.LogInformation("{Reason}: the safety floor alone decides", reason); // once per distinct reason in a row
            _logged = reason;
            _abstaining = reason;
            _abstainedView = new ModelView { Abstained = reason, ObstacleProbability = double.NaN };
        }
        return _abstainedView!;
    }

    /// <summary>
    /// The model's fog MEDIUM: the fog head puts at least half its probability on the MEDIUM band or worse, and
    /// the visibility head agrees within a factor of two of that band's limit (default: ≤ 1000 m against the
    /// 500 m line). Two heads that disagree wildly (a "moderate" class beside an 8 km regression, seen on windows
    /// unlike training) raise nothing; the floor still measures fog. models/README.md reports this rule.
    /// </summary>
    internal static bool FogMedium(ReadOnlySpan<float> fog, double visibilityM, FogClass line)
    {
        var p = 0f;
        for (var i = Math.Max((int)line, 0); i < fog.Length; i++)
            p += fog[i];
        return p >= 0.5f && visibilityM <= 2 * FogClasses.UpperLimitM(line);
    }

    /// <summary>Seconds a sensor must have been live (or speaking again after a silence) before the model reads its
    /// window: the window plus half a second, as in training (models/Kavach.ModelData skips the first 1.5 s of every episode).</summary>
    internal double WarmUpS => _options.Fusion.WindowMs / 1000.0 + 0.5;

    // A probability outside [0, 1] or a non-finite value means a broken model, not a low risk.
    private static bool Valid(in ModelOutput o, out string problem)
    {
        const float eps = 1e-3f;
        var sum = 0f;
        for (var i = 0; i < ModelContract.FogClasses; i++)
        {
            var p = o.Fog[i];
            if (!float.IsFinite(p) || p < -eps || p > 1 + eps)
            {
                problem = $"fog probability {i} is {p}";
                return false;
            }
            sum += p;
        }
        if (Math.Abs(sum - 1) > 0.01f)
        {
            problem = $"fog probabilities sum to {sum}";
            return false;
        }
        if (!float.IsFinite(o.VisibilityLog10))
        {
            problem = $"visibility is {o.VisibilityLog10}";
            return false;
        }
        var q = o.ObstacleProbability;
        if (!float.IsFinite(q) || q < -eps || q > 1 + eps)
        {
            problem = $"obstacle probability is {q}";
            return false;
        }
        problem = "";
        return true;
    }

    private void Fail(string why, Exception? e)
    {
        Interlocked.Increment(ref _failures);
        if (_state.State == ModelState.Degraded)
            return; // reported once per episode
        _state = new StateBox(ModelState.Degraded, why);
        _log.LogWarning(e, "Model failed ({Why}): the safety floor alone decides until it answers again (a degradation, not a fault)", why);
    }

    public void Dispose() => _model?.Dispose();

    private sealed record StateBox(ModelState State, string Message);
}
