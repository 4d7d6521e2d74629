using Kavach.Edge.Outputs;
using Kavach.Edge.Risk;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Outputs;

/// <summary>The runner's contract on a gated sink: overflow, batching, order, retry, drain on stop.</summary>
public class OutputRunnerTests
{
    /// <summary>A sink that writes into a list; can be held shut and made to fail.</summary>
    private sealed class GateSink : IOutputSink<int>
    {
        public readonly ManualResetEventSlim Open = new(true);
        public readonly List<int[]> Batches = [];
        public int FailNext,
            Ticks,
            Entered;

        public void Emit(IReadOnlyList<int> batch)
        {
            Interlocked.Increment(ref Entered);
            Open.Wait();
            if (Interlocked.Decrement(ref FailNext) >= 0)
                throw new OutputException("cannot write: test failure");
            lock (Batches)
                Batches.Add([.. batch]);
        }

        public bool Tick()
        {
            Interlocked.Increment(ref Ticks);
            return false;
        }

        public int[] Written
        {
            get
            {
                lock (Batches)
                    return Batches.SelectMany(b => b).ToArray();
            }
        }
    }

    private static (OutputRunner<int> Runner, GateSink Sink, StageFaults Faults, ListLogger Log) Build(int capacity = 16)
    {
        var sink = new GateSink();
        var faults = new StageFaults();
        var log = new ListLogger();
        var runner = new OutputRunner<int>(
            "test",
            "Test",
            capacity,
            sink,
            faults,
            TimeProvider.System,
            log,
            backoff: new Backoff(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20))
        );
        return (runner, sink, faults, log);
    }

    [Fact]
    public async Task A_full_queue_counts_what_it_refuses_raises_the_output_fault_and_clears_it_once_drained()
    {
        var (runner, sink, faults, log) = Build(capacity: 16);
        sink.Open.Reset();
        runner.Start();
        Assert.True(runner.TryEnqueue(0));
        await Wait.UntilAsync(() => Volatile.Read(ref sink.Entered) == 1, "the first batch held in the sink");
        for (var i = 1; i <= 16; i++)
            Assert.True(runner.TryEnqueue(i));
        Assert.False(runner.TryEnqueue(17));
        Assert.False(runner.TryEnqueue(18));
        Assert.Equal(2, runner.Overflowed);
        Assert.Contains("output test: queue full (16), 2 item(s) not written", faults.Snapshot());
        Assert.Equal(1, log.Count(LogLevel.Error, "the queue is full")); // logged once, not per item

        sink.Open.Set();
        await Wait.UntilAsync(() => !faults.IsActive("output test"), "the overflow fault clearing once the queue drained");
        Assert.True(await runner.StopAsync(CancellationToken.None));
        Assert.Equal(Enumerable.Range(0, 17), sink.Written);
    }

    [Fact]
    public async Task Items_go_in_batches_of_at_most_64_in_queue_order()
    {
        var (runner, sink, _, log) = Build(capacity: 1000);
        sink.Open.Reset();
        runner.Start();
        runner.TryEnqueue(0);
        await Wait.UntilAsync(() => Volatile.Read(ref sink.Entered) == 1, "the first batch held in the sink");
        for (var i = 1; i < 300; i++)
            Assert.True(runner.TryEnqueue(i));
        sink.Open.Set();
        await runner.StopAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 300), sink.Written);
        Assert.All(sink.Batches, b => Assert.InRange(b.Length, 1, 64));
        Assert.Equal([1, 64, 64, 64, 64, 43], sink.Batches.Select(b => b.Length));
        Assert.Equal(300, runner.Emitted);
        log.AssertNoErrors();
    }

    [Fact]
    public async Task A_failing_batch_raises_the_stage_fault_once_is_retried_whole_and_the_fault_clears_when_it_is_written()
    {
        var (runner, sink, faults, log) = Build();
        sink.FailNext = 3;
        runner.Start();
        runner.TryEnqueue(1);
        runner.TryEnqueue(2);
        await Wait.UntilAsync(
            () => sink.Written.Length == 2 && !faults.IsActive("test"),
            "three failures, then the write and the fault clearing"
        );
        Assert.Equal(4, Volatile.Read(ref sink.Entered));
        Assert.Equal(1, log.Count(LogLevel.Error, "Test: cannot write: test failure. The unit is FAULT"));
        Assert.Equal(1, log.Count(LogLevel.Information, "Test: writing again"));
        await runner.StopAsync(CancellationToken.None);
        Assert.Equal([1, 2], sink.Written);
    }

    [Fact]
    public async Task Stop_drains_the_queue_and_ticks_once_more_then_refuses_new_items()
    {
        var (runner, sink, faults, log) = Build(capacity: 500);
        sink.Open.Reset();
        runner.Start();
        for (var i = 0; i < 500; i++)
            runner.TryEnqueue(i);
        var stop = runner.StopAsync(CancellationToken.None);
        Assert.False(runner.TryEnqueue(999)); // after stop: counted, not a fault
        sink.Open.Set();
        Assert.True(await stop);
        Assert.Equal(Enumerable.Range(0, 500), sink.Written);
        Assert.Equal(1, Volatile.Read(ref sink.Ticks));
        Assert.Empty(faults.Snapshot());
        log.AssertNoErrors();
    }

    [Fact]
    public async Task A_stop_that_runs_out_of_time_says_how_many_items_were_not_written()
    {
        var (runner, sink, _, log) = Build();
        sink.FailNext = int.MaxValue;
        runner.Start();
        runner.TryEnqueue(1);
        await Wait.UntilAsync(() => Volatile.Read(ref sink.Entered) >= 1, "a failed attempt");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.False(await runner.StopAsync(cts.Token));
        Assert.Equal(1, log.Count(LogLevel.Warning, "Test: stopped with 1 item(s) not written"));
    }
}
