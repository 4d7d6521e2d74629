using Kavach.Edge.Alarm;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Alarm;

/// <summary>
/// Spoken announcements (Alarm.Voice): a real child process per announcement, here a shell script standing in for espeak-ng
/// that writes its arguments to a file; the queue is bounded and never blocks its caller.
/// </summary>
public sealed class VoiceQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static (VoiceQueue Voice, List<(LogLevel, string)> Log) Start(string command, int queue = 4)
    {
        var options = TestConfig.Valid(
            overrides: new Dictionary<string, string?>
            {
                ["Alarm:Voice:Enabled"] = "true",
                ["Alarm:Voice:Command"] = command,
                ["Alarm:Voice:Language"] = "en-gb",
                ["Alarm:Voice:QueueLength"] = queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }
        );
        var log = new List<(LogLevel, string)>();
        return (new VoiceQueue(options, new RecordingLogger<VoiceQueue>(log)), log);
    }

    private static string Script(TempDir dir, string body)
    {
        var path = dir.File("espeak-ng");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task Each_announcement_is_spoken_in_order_with_the_configured_voice()
    {
        using var dir = Repo.NewTempDir();
        var said = dir.File("said.txt");
        var (voice, log) = Start(Script(dir, $"printf '%s|' \"$@\" >> '{said}'; echo >> '{said}'"));
        using (voice)
        {
            var done = new TaskCompletionSource();
            var n = 0;
            voice.Finished += (_, _) =>
            {
                if (Interlocked.Increment(ref n) == 2)
                    done.TrySetResult();
            };
            voice.Speak("signal S12 ahead, 500 metres");
            voice.Speak("level crossing LC 7 ahead, 500 metres");
            await done.Task.WaitAsync(Timeout);
            Assert.Equal(
                ["-v|en-gb|-s|150|--|signal S12 ahead, 500 metres|", "-v|en-gb|-s|150|--|level crossing LC 7 ahead, 500 metres|"],
                File.ReadAllLines(said)
            );
            Assert.Equal(2, voice.Spoken);
            Assert.Equal(0, voice.Dropped);
        }
        Assert.DoesNotContain(log, l => l.Item1 >= LogLevel.Warning);
    }

    [Fact]
    public async Task A_slow_speaker_never_blocks_the_caller_and_the_full_queue_drops_the_oldest()
    {
        using var dir = Repo.NewTempDir();
        var said = dir.File("said.txt");
        var started = dir.File("started");
        var gate = dir.File("go");
        // each announcement says it started, then waits for the test's gate file; the queue has one place
        var (voice, _) = Start(
            Script(dir, $"touch '{started}'; while [ ! -e '{gate}' ]; do sleep 0.05; done; echo \"$6\" >> '{said}'"),
            queue: 1
        );
        using (voice)
        {
            var done = new TaskCompletionSource();
            voice.Finished += (text, _) =>
            {
                if (text == "third")
                    done.TrySetResult();
            };
            voice.Speak("first");
            await Wait.UntilAsync(() => Task.FromResult(File.Exists(started)), "the first announcement being spoken", Timeout);
            // Speak returns while the first is still being spoken (the gate is shut): it never waits for the speaker
            voice.Speak("second"); // waits in the one place...
            voice.Speak("third"); // ...and is dropped for the newer one
            Assert.Equal(1, voice.Dropped);
            File.WriteAllText(gate, "");
            await done.Task.WaitAsync(Timeout);
            Assert.Equal(["first", "third"], File.ReadAllLines(said));
            Assert.Equal(2, voice.Spoken);
        }
    }

    [Fact]
    public void Without_the_program_the_start_up_says_so_and_announcements_are_counted_as_dropped()
    {
        var (voice, log) = Start("/nonexistent/espeak-ng");
        using (voice)
        {
            Assert.Null(voice.Program);
            voice.Speak("signal S12 ahead, 500 metres");
            Assert.Equal(1, voice.Dropped);
        }
        var warning = Assert.Single(log, l => l.Item1 == LogLevel.Warning).Item2;
        Assert.Contains("'/nonexistent/espeak-ng' was not found", warning, StringComparison.Ordinal);
        Assert.Contains("apt-get install espeak-ng", warning, StringComparison.Ordinal);
    }
}
