using Kavach.Edge.Commissioning;
using Kavach.Edge.Demo;
using Kavach.Edge.Tests.Support;
using Kavach.Simulation;

namespace Kavach.Edge.Tests.Commissioning;

/// <summary>
/// Runs `commission` in-process on a simulator scene: the scenario's configuration (without the values a technician
/// would set by hand) is given as a "{}" file plus KAVACH_ environment overrides; once the inputs listen, the
/// scenario plays over real loopback TCP in its real wire formats until the run ends.
/// </summary>
public sealed class CommissionHarness : IDisposable
{
    private readonly TempDir _dir = Repo.NewTempDir();

    public CommissionHarness(string scenario, Action<Dictionary<string, string?>>? adjust = null)
    {
        Scenario = ScenarioConfig.Adapt(Kavach.Simulation.Scenario.BuiltIn(scenario));
        Keys = ScenarioConfig.Keys(Scenario, _dir.File("kavach.db"), "");
        // what commissioning learns: not set by hand
        foreach (
            var k in Keys
                .Keys.Where(k =>
                    k == "Risk:ReferenceRangeM"
                    || k.EndsWith(":BaselineStrength", StringComparison.Ordinal)
                    || k.EndsWith(":BaselineRangeM", StringComparison.Ordinal)
                )
                .ToList()
        )
            Keys.Remove(k);
        adjust?.Invoke(Keys);
        ConfigPath = _dir.File("kavach.json");
        File.WriteAllText(ConfigPath, "{}");
    }

    public Scenario Scenario { get; }
    public Dictionary<string, string?> Keys { get; }
    public string ConfigPath { get; }
    public string RecordPath => _dir.File(RecordFile.FileName);
    public string DatabasePath => _dir.File("kavach.db");
    public StringWriter Output { get; } = new();

    /// <summary>What the commission runs logged; disposing the harness fails the test on an error it did not <c>Expect</c>.</summary>
    public LogCapture Log { get; } = new();

    public Dictionary<string, string?> Environment =>
        Keys.ToDictionary(kv => "KAVACH_" + kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value);

    /// <summary>Commissions for <paramref name="seconds"/> of scene; returns the exit code.</summary>
    public async Task<int> CommissionAsync(int seconds = 3, bool yes = true, bool terminal = false, string answer = "")
    {
        using var stopPlayer = new CancellationTokenSource();
        Task play = Task.CompletedTask;
        var code = await CommissionCommand.RunAsync(
            ConfigPath,
            seconds,
            yes,
            new StringReader(answer),
            terminal,
            Output,
            started: inputs =>
            {
                var player = new ScenarioPlayer();
                play = player.RunAsync(
                    Scenario,
                    async (name, ct) =>
                    {
                        var c = new System.Net.Sockets.TcpClient { NoDelay = true };
                        await c.ConnectAsync(inputs.BoundEndpoints[name], ct);
                        return c.GetStream();
                    },
                    new PlayerOptions { Loop = true },
                    TimeProvider.System,
                    stopPlayer.Token
                );
            },
            environment: Environment,
            logger: Log.Logger
        );
        await stopPlayer.CancelAsync();
        try
        {
            await play;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.Sockets.SocketException) { }
        return code;
    }

    public CommissioningRecord ReadRecord() => RecordFile.Read(RecordPath).Record;

    public void Dispose()
    {
        _dir.Dispose();
        Log.Logger.Dispose();
        Log.AssertNoErrors();
    }
}
