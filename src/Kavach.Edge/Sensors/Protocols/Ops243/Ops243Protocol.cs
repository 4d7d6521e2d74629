using Kavach.Protocols;

namespace Kavach.Edge.Sensors.Protocols;

/// <summary>
/// ops243: OPS243 text lines → radar readings: a speed line is one target with its closing speed (range unknown on
/// the Doppler-only -A model), a range line one target at that range. Sign convention and speed unit from the
/// sensor's PositiveIsApproaching and SpeedUnit.
/// </summary>
public static class Ops243Protocol
{
    public static ProtocolEntry Entry { get; } =
        new()
        {
            Name = "ops243",
            Kinds = [SensorKind.Radar],
            Connect = static (endpoint, queue, time) => Connection(endpoint.Primary, queue, time),
            OwnKeys = ["PositiveIsApproaching", "SpeedUnit"],
        };

    /// <summary>A connection of <paramref name="sensor"/>, with its sign convention and speed unit.</summary>
    public static FrameConnection<Ops243Frame> Connection(SensorState sensor, ReadingQueue queue, TimeProvider time)
    {
        var decoder = new Ops243Decoder(
            new Ops243Options { PositiveIsApproaching = sensor.Options.PositiveIsApproaching, SpeedUnit = sensor.Options.SpeedUnit }
        );
        return new FrameConnection<Ops243Frame>(sensor, queue, time, decoder, static (in Ops243Frame f, long _, ref Reading r) =>
        {
            r.RangeM = f.HasRange ? f.RangeM : float.NaN;
            r.ClosingSpeedMps = f.HasSpeed ? f.ClosingSpeedMps : float.NaN;
            r.Targets = f.HasRange || f.HasSpeed ? 1 : 0;
            return FrameUse.Reading;
        });
    }
}
