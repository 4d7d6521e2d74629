using System.Globalization;
using System.Text.Json;
using Kavach.Protocols.Tests.Support;

namespace Kavach.Protocols.Tests;

/// <summary>
/// Walks every <c>Cases/&lt;format&gt;/&lt;case&gt;/</c> folder: <c>capture.bin</c> is decoded whole and in small
/// chunks, and the result is compared with <c>expected.json</c> (frame count, no-return count, byte and reject
/// counters, first/last/all frame fields, points, ranges). An <c>error.txt</c> names (first word) the reject reason
/// the capture must produce. Hand-made cases come from <c>Cases/make_handmade_cases.py</c>; real captures are copies.
/// </summary>
public sealed class CaseFolderTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Cases");

    private static List<string> CaseNames() =>
        Directory
            .GetDirectories(Root)
            .SelectMany(Directory.GetDirectories)
            .Select(dir => Path.GetRelativePath(Root, dir).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static TheoryData<string> Cases() => new(CaseNames());

    [Fact]
    public void Every_format_has_cases_and_the_real_captures_are_present()
    {
        var cases = CaseNames();
        foreach (var format in AnyDecoder.Formats)
            Assert.Contains(cases, c => c.StartsWith(format + "/", StringComparison.Ordinal));
        Assert.Contains("ti-mmwave/iwr6843-automated-doors-sdk3.3", cases);
        Assert.Contains("ld06/ld19-manual-example-packet", cases);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_folder_decodes_as_expected(string name)
    {
        var dir = Path.Combine(Root, name);
        var format = name[..name.IndexOf('/')];
        var capture = File.ReadAllBytes(Path.Combine(dir, "capture.bin"));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        var expected = doc.RootElement;
        var options = expected.TryGetProperty("options", out var o) ? o : default;

        var decoder = AnyDecoder.Create(format, options);
        var frames = Feed.All(decoder, capture);
        var c = decoder.Counters;

        Assert.Equal(expected.GetProperty("frames").GetInt32(), frames.Count);
        Assert.Equal(frames.Count, c.Frames);
        Assert.Equal(capture.Length, c.Bytes);
        if (expected.TryGetProperty("bytes", out var bytes))
            Assert.Equal(bytes.GetInt64(), c.Bytes);
        if (expected.TryGetProperty("noReturn", out var noReturn))
            Assert.Equal(noReturn.GetInt64(), c.NoReturn);
        if (expected.TryGetProperty("rejectedBytes", out var rejected))
            Assert.Equal(rejected.GetInt64(), c.RejectedBytes);
        Assert.Equal(expected.TryGetProperty("pendingBytes", out var pending) ? pending.GetInt32() : 0, decoder.PendingBytes);
        if (expected.TryGetProperty("rejects", out var rejects))
        {
            foreach (var r in rejects.EnumerateObject())
                Assert.True(
                    r.Value.GetInt64() == c.Rejects(ParseReason(r.Name)),
                    $"{r.Name}: expected {r.Value} runs, got {c.Rejects(ParseReason(r.Name))}"
                );
        }

        var errorFile = Path.Combine(dir, "error.txt");
        if (File.Exists(errorFile))
        {
            var reason = ParseReason(
                File.ReadAllText(errorFile).Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)[0]
            );
            Assert.True(c.Rejects(reason) > 0, $"error.txt names {RejectReasons.Name(reason)} but none was counted");
        }
        else if (format != "ops243")
        {
            // Binary formats: every byte is in a frame, rejected once, or pending.
            Assert.True(c.RejectedBytes + decoder.PendingBytes <= c.Bytes);
        }

        if (expected.TryGetProperty("first", out var first))
            AssertFields(first, frames[0].Frame, "first");
        if (expected.TryGetProperty("last", out var last))
            AssertFields(last, frames[^1].Frame, "last");
        if (expected.TryGetProperty("frameList", out var list))
        {
            Assert.Equal(list.GetArrayLength(), frames.Count);
            var i = 0;
            foreach (var e in list.EnumerateArray())
                AssertFields(e, frames[i].Frame, $"frame {i++}");
        }

        if (expected.TryGetProperty("firstPoints", out var points))
        {
            Assert.Equal(points.GetArrayLength(), frames[0].Points.Length);
            var i = 0;
            foreach (var e in points.EnumerateArray())
                AssertFields(e, frames[0].Points[i], $"point {i++}");
        }

        if (expected.TryGetProperty("ranges", out var ranges))
        {
            foreach (var r in ranges.EnumerateObject())
            {
                var values = frames.Select(f => Convert.ToDouble(Property(f.Frame, r.Name), CultureInfo.InvariantCulture)).ToList();
                Assert.InRange(values.Min(), r.Value[0].GetDouble(), r.Value[1].GetDouble());
                Assert.InRange(values.Max(), r.Value[0].GetDouble(), r.Value[1].GetDouble());
            }
        }

        if (expected.TryGetProperty("counts", out var counts))
        {
            foreach (var r in counts.EnumerateObject())
                Assert.Equal(r.Value.GetInt32(), frames.Count(f => (bool)Property(f.Frame, r.Name)!));
        }

        if (expected.TryGetProperty("contiguous", out var contiguous))
        {
            var numbers = frames
                .Select(f => Convert.ToInt64(Property(f.Frame, contiguous.GetString()!), CultureInfo.InvariantCulture))
                .ToList();
            for (var i = 1; i < numbers.Count; i++)
                Assert.Equal(numbers[i - 1] + 1, numbers[i]);
        }

        // The same stream fed in small chunks gives the same frames and byte counts.
        foreach (var chunk in (int[])[1, 5, 64])
        {
            var chunked = AnyDecoder.Create(format, options);
            var again = Feed.All(chunked, capture, chunk);
            Assert.Equal(frames.Select(f => f.Frame), again.Select(f => f.Frame));
            Assert.Equal(c.RejectedBytes, chunked.Counters.RejectedBytes);
            Assert.Equal(c.NoReturn, chunked.Counters.NoReturn);
            Assert.Equal(decoder.PendingBytes, chunked.PendingBytes);
        }
    }

    internal static RejectReason ParseReason(string name)
    {
        for (var r = 0; r < RejectReasons.Count; r++)
        {
            if (RejectReasons.Name((RejectReason)r) == name)
                return (RejectReason)r;
        }

        throw new ArgumentException($"unknown reject reason '{name}'");
    }

    private static object? Property(object target, string name) =>
        (target.GetType().GetProperty(name) ?? throw new ArgumentException($"{target.GetType().Name} has no {name}")).GetValue(target);

    private static void AssertFields(JsonElement expected, object actual, string where)
    {
        foreach (var field in expected.EnumerateObject())
        {
            var value = Property(actual, field.Name);
            var label = $"{where}.{field.Name}";
            switch (field.Value.ValueKind)
            {
                case JsonValueKind.True or JsonValueKind.False:
                    Assert.True(field.Value.GetBoolean() == (bool)value!, $"{label}: expected {field.Value}, got {value}");
                    break;
                case JsonValueKind.String when field.Value.GetString() == "NaN":
                    Assert.True(double.IsNaN(Convert.ToDouble(value, CultureInfo.InvariantCulture)), $"{label}: expected NaN, got {value}");
                    break;
                case JsonValueKind.Number:
                    var want = field.Value.GetDouble();
                    var got = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    var tolerance = value is float ? Math.Max(1e-4, Math.Abs(want) * 1e-5) : 0;
                    Assert.True(Math.Abs(want - got) <= tolerance, $"{label}: expected {want}, got {got}");
                    break;
                default:
                    throw new ArgumentException($"{label}: unsupported expected value {field.Value}");
            }
        }
    }
}
