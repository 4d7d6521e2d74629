namespace Kavach.Edge.Demo;

/// <summary>`kavach-edge demo` (being written).</summary>
public static class DemoCommand
{
    public static Task<int> RunAsync(bool loop) => Task.FromResult(0);
}
