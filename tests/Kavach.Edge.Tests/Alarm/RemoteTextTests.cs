using Kavach.Edge.Alarm;

namespace Kavach.Edge.Tests.Alarm;

public class RemoteTextTests
{
    [Theory]
    [InlineData("signaller-7", "signaller-7")]
    [InlineData("eve\r\nINFO forged line", "eveINFO forged line")]
    [InlineData("a\u001b[2Jb\u007f\u0085c", "a[2Jbc")] // ESC, DEL, NEL (C1)
    [InlineData("\u202Eevil\u202C \u2066x\u2069\u200B\u200D\uFEFF", "evil x")] // bidi overrides, isolates, zero-width, BOM
    [InlineData("line\u2028para\u2029", "linepara")]
    [InlineData("  padded\t ", "padded")]
    [InlineData("राम 🚆", "राम 🚆")] // scripts and astral characters stay
    [InlineData("tag\U000E0041", "tag")] // astral format (tag) characters go
    [InlineData(null, "")]
    public void Strips_control_and_format_characters(string? input, string expected) => Assert.Equal(expected, RemoteText.Clean(input));

    [Fact]
    public void Cuts_to_the_limit_with_an_ellipsis_never_inside_a_surrogate_pair()
    {
        var cut = RemoteText.Clean(new string('a', 200));
        Assert.Equal(RemoteText.MaxLength, cut.Length);
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
        var emoji = RemoteText.Clean(new string('a', 62) + "🚆🚆🚆");
        Assert.True(emoji.Length <= RemoteText.MaxLength);
        Assert.Equal(emoji, RemoteText.Clean(emoji, 100)); // no lone surrogate left by the cut
        Assert.Equal(new string('a', 64), RemoteText.Clean(new string('a', 64)));
        Assert.Equal("xy", RemoteText.Clean("x" + (char)0xD800 + "y")); // a lone surrogate goes
        Assert.True(RemoteText.IsClean("asha"));
        Assert.False(RemoteText.IsClean("asha\n"));
    }
}
