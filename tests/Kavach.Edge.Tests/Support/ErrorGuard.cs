using System.Collections.Concurrent;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// What the log guards share: the errors a test provokes on purpose (<see cref="Expect"/>) and the check that fails on
/// any other error-level entry or unobserved task exception. On by default in the harnesses that run the host
/// (DaemonUnderTest, InputHarness, CommissionHarness, the scenario runs); a test opts out of one error by naming it.
/// </summary>
public sealed class ErrorGuard
{
    private readonly ConcurrentQueue<string> _expected = new();

    public ErrorGuard() => UnobservedTasks.Watch();

    /// <summary>An error the test provokes on purpose: entries (and unobserved exceptions) containing <paramref name="substring"/>
    /// pass.</summary>
    public void Expect(string substring) => _expected.Enqueue(substring);

    public bool IsExpected(string message) => _expected.Any(x => message.Contains(x, StringComparison.Ordinal));

    /// <summary>Fails with every unexpected error among <paramref name="errors"/> and every unexpected unobserved task exception.</summary>
    public void Check(IEnumerable<string> errors)
    {
        var found = errors.Where(e => !IsExpected(e)).Concat(UnobservedTasks.Take([.. _expected])).ToList();
        Assert.True(
            found.Count == 0,
            "hidden errors (name one with Log.Expect(\"...\") if the test provokes it):\n" + string.Join("\n", found)
        );
    }
}
