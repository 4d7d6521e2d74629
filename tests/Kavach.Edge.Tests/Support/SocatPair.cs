using System.Diagnostics;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// A pair of linked pseudo-terminals made by socat (<c>socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B</c>):
/// the daemon opens <see cref="DevicePath"/> as its "UART", the test plays the sensor on <see cref="SensorPath"/>.
/// <see cref="Unplug"/> kills socat (both ends vanish, like a USB adapter pulled); <see cref="ReplugAsync"/>
/// starts it again with the same links.
/// </summary>
public sealed class SocatPair : IDisposable
{
    private readonly TempDir _dir = Repo.NewTempDir();
    private readonly string _socat;
    private Process? _process;

    private SocatPair()
    {
        _socat = Tools.Require("socat", "socat");
        DevicePath = _dir.File("ttyDEV");
        SensorPath = _dir.File("ttySENSOR");
    }

    /// <summary>The end the daemon opens.</summary>
    public string DevicePath { get; }

    /// <summary>The end the test writes to as the sensor.</summary>
    public string SensorPath { get; }

    public static async Task<SocatPair> StartAsync()
    {
        var pair = new SocatPair();
        await pair.ReplugAsync();
        return pair;
    }

    public async Task ReplugAsync()
    {
        Tools.Kill(_process);
        // A killed socat leaves its links behind, pointing at /dev/pts numbers the new socat may be given again:
        // the wait below would then pass before socat replaces them (and an open between the two fails).
        File.Delete(DevicePath);
        File.Delete(SensorPath);
        _process = Tools.Start(_socat, "-d", "-d", $"pty,raw,echo=0,link={DevicePath}", $"pty,raw,echo=0,link={SensorPath}");
        await Eventually.WaitAsync(
            () => File.Exists(DevicePath) && File.Exists(SensorPath) || _process.HasExited,
            TimeSpan.FromSeconds(10),
            "socat to create its pty links"
        );
        if (_process.HasExited)
            Assert.Fail($"socat exited with code {_process.ExitCode}");
    }

    /// <summary>Kills socat: both ptys vanish.</summary>
    public void Unplug()
    {
        Tools.Kill(_process);
        _process = null;
    }

    /// <summary>Opens the sensor end for writing (raw bytes, unbuffered).</summary>
    public FileStream OpenSensor() => new(SensorPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);

    public void Dispose()
    {
        Unplug();
        _dir.Dispose();
    }
}
