namespace Kavach.Simulation;

/// <summary>A camera visibility meter: the world's visibility with log-normal noise, 1 m to 20 km.</summary>
internal sealed class CameraModel(SensorModelDefaults model, SimRandom rng)
{
    public void Fill(ref SimSample s, World w)
    {
        var v = w.VisibilityM * Math.Exp(model.Noise * rng.NextGaussian());
        s.VisibilityM = (float)Math.Round(Math.Clamp(v, 1, 20_000));
    }
}
