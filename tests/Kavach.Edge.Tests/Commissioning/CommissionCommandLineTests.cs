using Kavach.Edge.Hosting;

namespace Kavach.Edge.Tests.Commissioning;

/// <summary>The commission verb's flags.</summary>
public class CommissionCommandLineTests
{
    [Fact]
    public void Commission_takes_config_seconds_and_yes()
    {
        var cl = CommandLine.Parse(["commission", "--config", "/etc/k.json", "--seconds", "30", "--yes"]);
        Assert.Null(cl.Error);
        Assert.Equal(Verb.Commission, cl.Verb);
        Assert.Equal("/etc/k.json", cl.ConfigPath);
        Assert.Equal(30, cl.Seconds);
        Assert.True(cl.Yes);
        Assert.False(CommandLine.Parse(["commission"]).Yes);
        Assert.Equal(60, CommandLine.Parse(["commission"]).Seconds);
    }

    [Theory]
    [InlineData("commission", "--seconds", "2")]
    [InlineData("commission", "--seconds", "x")]
    [InlineData("commission", "--seconds")]
    [InlineData("run", "--yes")]
    [InlineData("demo", "--seconds", "10")]
    public void Bad_commission_flags_are_usage_errors(params string[] args) => Assert.NotNull(CommandLine.Parse(args).Error);
}
