namespace Kavach.Edge.Tests.Support;

/// <summary>The real <c>kavach-sim</c> executable (the built dll copied next to the tests by the project reference).</summary>
public sealed class SimProcess : DotnetProcess
{
    private SimProcess(string[] args)
        : base("kavach-sim", Dll, args) { }

    /// <summary>The simulator's built entry assembly, next to the tests.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "kavach-sim.dll");

    public static SimProcess Start(params string[] args)
    {
        if (!File.Exists(Dll))
            Assert.Fail($"{Dll} not found: Kavach.Edge.Tests must reference src/Kavach.Sim");
        return new SimProcess(args);
    }
}
