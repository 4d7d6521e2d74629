using Kavach.Edge.Demo;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Hosting;

/// <summary>The demo, end to end at real speed (about 50 s): the README's first command must keep working.</summary>
public class DemoTests
{
    [Fact]
    public async Task Demo_walks_low_medium_high_and_back_and_stores_every_change()
    {
        using var dir = Repo.NewTempDir();
        var output = new StringWriter();
        var code = await DemoCommand.RunAsync(loop: false, output, speed: 1, dataDir: dir.Path);
        var text = output.ToString();
        Assert.True(code == 0, text);

        using var store = EventStore.Open(Path.Combine(dir.Path, "kavach-demo.db"), TimeProvider.System);
        var levels = store.ReadEvents().Select(e => e.Level).ToList();
        var walk = string.Join(" ", levels);
        Assert.Equal("FAULT", levels[0]);
        var low = levels.IndexOf("LOW");
        var medium = levels.IndexOf("MEDIUM", low + 1);
        var high = levels.IndexOf("HIGH", medium + 1);
        Assert.True(low >= 0 && medium > low && high > medium, $"expected LOW → MEDIUM → HIGH, got {walk}\n{text}");
        Assert.Equal("LOW", levels[^1]);
        Assert.Contains("Walk: ", text, StringComparison.Ordinal);
        Assert.Matches(@"  page    http://127\.0\.0\.1:\d+/", text);
    }
}
