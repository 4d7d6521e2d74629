using System.Globalization;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.Commissioning;

/// <summary>The report `commission` prints: what was found, what is covered and what is not, and what the daemon will use.</summary>
public static class CommissionReport
{
    public static void Write(
        TextWriter o,
        CommissioningRecord r,
        string path,
        string hash,
        KavachOptions applied,
        IReadOnlyList<string> filled,
        IReadOnlyList<string> kept,
        IReadOnlyList<string> warnings
    )
    {
        var inv = CultureInfo.InvariantCulture;
        string F(FormattableString s) => s.ToString(inv);
        o.WriteLine();
        o.WriteLine(F($"Commissioning record written: {path}"));
        o.WriteLine(
            F($"  record hash {hash} (sha256sum prefix), {r.Seconds:0} s of clear air, device {r.DeviceId}, config hash {r.ConfigHash}")
        );
        o.WriteLine();
        o.WriteLine(
            r.Reference is { } x
                ? F(
                    $"Reference target: {x.RangeM:0.#} m ({(x.Source == "configuration" ? "Risk.ReferenceRangeM, set by hand" : "measured")}), seen by {(x.SeenBy.Count == 0 ? "no sensor" : string.Join(", ", x.SeenBy))}"
                )
                : "Reference target: none found (no static target seen in most frames). Visibility from the LiDAR needs one: place a reflector beside the track."
        );
        foreach (var s in r.Sensors)
        {
            o.WriteLine();
            o.WriteLine(F($"{s.Name} ({s.Kind}, {s.Protocol}, {s.Transport}): {s.Frames} frames"));
            if (s.Lidar is { } l)
            {
                o.WriteLine(F($"  frames without a return: {l.NoReturnFraction:0.#%}"));
                if (l.StaticReturns.Count == 0)
                    o.WriteLine("  static returns: none");
                foreach (var ret in l.StaticReturns)
                    o.WriteLine(
                        F(
                            $"  static return {ret.RangeM, 7:0.00} m  strength {ret.Strength, 6:0}{(ret.Saturated ? " (saturated)" : "")}  spread ±{ret.SpreadM:0.00} m  in {ret.Presence:0%} of frames"
                        )
                    );
                o.WriteLine(
                    l.BaselineStrength is { } b && l.BaselineRangeM is { } br
                        ? F($"  clear-air baseline: strength {b:0} at {br:0.##} m")
                        : "  clear-air baseline: none (no unsaturated static return): the LiDAR gives no visibility estimate"
                );
            }
            if (s.Radar is { } rd)
            {
                if (rd.StaticTargets.Count == 0)
                    o.WriteLine("  static targets: none");
                foreach (var t in rd.StaticTargets)
                    o.WriteLine(
                        F(
                            $"  static target {t.RangeM, 7:0.00} m  SNR {(t.SnrDb is { } snr ? snr.ToString("0.0", inv) + " dB" : "—"), 8}  {(t.AboveMinSnr ? "target" : "clutter (below MinSnrDb)"), -24}  in {t.Presence:0%} of frames"
                        )
                    );
                if (rd.MovingFraction > 0.02)
                    o.WriteLine(
                        F(
                            $"  WARNING: something moved in {rd.MovingFraction:0%} of the frames — was the track empty? Commission again when it is."
                        )
                    );
            }
            if (s.Coverage is { } c)
                o.WriteLine($"  coverage: {(c.Covered ? "covered" : "NOT COVERED")} — {c.Detail}");
        }
        o.WriteLine();
        o.WriteLine(
            filled.Count == 0
                ? "The daemon takes nothing from it that the configuration does not already set."
                : "The daemon will use: " + string.Join("; ", filled) + "."
        );
        if (kept.Count > 0)
            o.WriteLine("Set by hand in the configuration, and kept: " + string.Join("; ", kept) + ".");
        foreach (var w in warnings)
            o.WriteLine("WARNING: " + w);
        var gaps = r.Sensors.Where(s => s.Coverage is { Covered: false }).ToList();
        o.WriteLine(
            gaps.Count == 0
                ? F($"Every ranging sensor covers the {applied.Risk.StoppingDistanceM:0} m zone.")
                : F(
                    $"{gaps.Count} sensor(s) do not cover the {applied.Risk.StoppingDistanceM:0} m zone: {string.Join("; ", gaps.Select(g => g.Coverage!.Detail))}. The daemon shows it as a degradation until fixed."
                )
        );
        o.WriteLine("Restart the service to load the record: sudo systemctl restart kavach-edge");
    }
}
