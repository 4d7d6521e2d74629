using System.Diagnostics;
using System.Threading.Channels;
using Kavach.Edge.Configuration;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Alarm;

/// <summary>
/// Speaks announcements with espeak-ng, one at a time, from a bounded queue (<see cref="VoiceOptions.QueueLength"/>; when
/// full the oldest is dropped: it is out of date). <see cref="Speak"/> never blocks, so a slow or hung speech program cannot
/// delay a lamp; one that runs over <see cref="MaxSpeechMs"/> is killed. espeak-ng not found at start-up: a warning, and
/// every announcement is dropped and counted (the lamps, the buzzer and the page still announce).
/// </summary>
public sealed class VoiceQueue : IDisposable
{
    /// <summary>Longest one announcement may be spoken before the program is killed, ms.</summary>
    public const int MaxSpeechMs = 15_000;

    private readonly VoiceOptions _options;
    private readonly ILogger<VoiceQueue> _log;
    private readonly Channel<string> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _dropped;
    private long _spoken;
    private long _failed;

    public VoiceQueue(KavachOptions options, ILogger<VoiceQueue> log)
    {
        _options = options.Alarm.Voice;
        _log = log;
        _queue = Channel.CreateBounded<string>(
            new BoundedChannelOptions(_options.QueueLength) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped)
        );
        Program = Resolve(_options.Command);
        if (Program is null)
            _log.LogWarning(
                "Alarm.Voice: '{Command}' was not found{Where} (Debian: apt-get install espeak-ng); landmark announcements are shown on the lamps, buzzer and page without voice",
                _options.Command,
                _options.Command.Contains('/') ? "" : " on PATH"
            );
        _loop = Program is null ? Task.CompletedTask : Task.Run(RunAsync);
    }

    /// <summary>The speech program's full path; null when it was not found.</summary>
    public string? Program { get; }

    /// <summary>Announcements dropped: queue full, or no speech program.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Announcements spoken to the end (exit code 0).</summary>
    public long Spoken => Interlocked.Read(ref _spoken);

    /// <summary>Announcements whose program failed, or ran over <see cref="MaxSpeechMs"/>.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Raised after each announcement was spoken or failed (tests wait on it).</summary>
    public event Action<string, bool>? Finished;

    /// <summary>Queues <paramref name="text"/>; never blocks.</summary>
    public void Speak(string text)
    {
        if (Program is null)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        _queue.Writer.TryWrite(text);
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var text in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                var ok = await SayAsync(text);
                if (ok)
                    Interlocked.Increment(ref _spoken);
                else
                    Interlocked.Increment(ref _failed);
                Finished?.Invoke(text, ok);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
    }

    private async Task<bool> SayAsync(string text)
    {
        var psi = new ProcessStartInfo(Program!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in (string[])["-v", _options.Language, "-s", _options.WordsPerMinute.ToString(), "--", text])
            psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(MaxSpeechMs);
            var errors = p.StandardError.ReadToEndAsync(timeout.Token);
            _ = p.StandardOutput.ReadToEndAsync(timeout.Token);
            try
            {
                await p.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                if (!_stop.IsCancellationRequested)
                    _log.LogWarning("Alarm.Voice: {Program} ran over {Ms} ms and was killed", Program, MaxSpeechMs);
                return false;
            }
            if (p.ExitCode == 0)
                return true;
            _log.LogWarning("Alarm.Voice: {Program} exited with {Code}: {Errors}", Program, p.ExitCode, (await errors).Trim());
            return false;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            _log.LogWarning("Alarm.Voice: {Program} could not be run: {Message}", Program, e.Message);
            return false;
        }
    }

    /// <summary>The full path of <paramref name="command"/>: itself when it names a path, else the first match on PATH.</summary>
    public static string? Resolve(string command)
    {
        if (command.Contains('/'))
            return File.Exists(command) ? Path.GetFullPath(command) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, command);
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException) { }
        _stop.Dispose();
    }
}
