namespace Kavach.Edge.Model;

/// <summary>
/// The model file cannot be used (missing, unreadable, wrong hash, corrupt, or not the card's shape).
/// The message says which and names the file; the daemon exits with code 2 unless
/// <c>Model.OnLoadFailure</c> is <c>floor-only</c>.
/// </summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message)
        : base(message) { }

    public ModelLoadException(string message, Exception inner)
        : base(message, inner) { }
}
