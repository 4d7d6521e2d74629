using Kavach.Simulation;

namespace Kavach.Sim;

/// <summary><c>kavach-sim list</c>: the built-in scenarios.</summary>
internal static class ListVerb
{
    public const string Usage = """
        usage: kavach-sim list
          Lists the built-in scenarios with their duration, sensors and description.
        """;

    public static Task<int> ExecuteAsync(ArgReader args, TextWriter stdout)
    {
        if (args.Next(out var option, out var value))
            throw new UsageException($"unexpected argument '{option ?? value}'");
        foreach (var name in Scenario.BuiltInNames)
        {
            var s = Scenario.BuiltIn(name);
            var sensors = string.Join(", ", s.Sensors.Select(x => $"{x.Name} ({SimNames.Name(x.Protocol)}, {x.RateHz:0.##} Hz)"));
            stdout.WriteLine(FormattableString.Invariant($"{name, -22} {s.DurationS, 5:0} s  {sensors}"));
            stdout.WriteLine($"{"", -22} {(s.Platform == Platform.Locomotive ? "[locomotive] " : "")}{s.Description}");
        }
        return Task.FromResult(SimCli.Ok);
    }
}
