namespace Kavach.Edge.Outputs;

/// <summary>
/// An output as its <see cref="OutputRunner{T}"/> sees it: it writes batches and does periodic work, nothing
/// else. The runner owns the queue, batching, retries with backoff, the stage fault and the drain on stop,
/// and calls the sink from ONE loop at a time (a sink need not be thread-safe). The sink owns its own
/// resources (files, connections) and their disposal.
/// </summary>
public interface IOutputSink<T>
{
    /// <summary>
    /// Writes one batch (1 to BatchMax items, in queue order) all or nothing. Throws when it cannot
    /// (<see cref="OutputException"/> with a message for the operator): the runner keeps the batch, raises
    /// the stage fault, backs off and offers it again.
    /// </summary>
    void Emit(IReadOnlyList<T> batch);

    /// <summary>
    /// Periodic work between batches (flushing buffered data, a retention step), every TickEvery and once
    /// more on stop. Returns true when more work is waiting (the runner calls again after the next batch
    /// instead of after TickEvery). Throws like <see cref="Emit"/>.
    /// </summary>
    bool Tick();
}

/// <summary>A write an output could not do, with the message the stage fault shows ("cannot write: disk full").</summary>
public sealed class OutputException(string message, Exception? inner = null) : Exception(message, inner);
