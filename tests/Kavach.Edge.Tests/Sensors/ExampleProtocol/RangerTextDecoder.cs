using System.Buffers.Text;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Sensors.ExampleProtocol;

/// <summary>One line of ranger-text: a range in metres (NaN when <see cref="NoReturn"/>) and the signal strength.</summary>
public readonly record struct RangerFrame(float DistanceM, int Signal, bool NoReturn);

/// <summary>
/// ranger-text, a made-up line protocol that shows what adding a wire format takes: <c>R,&lt;metres&gt;,&lt;signal&gt;</c>
/// per LF-terminated line (CR tolerated), <c>R,-,&lt;signal&gt;</c> for no return. A line that does not parse is one
/// <see cref="RejectReason.Malformed"/> run; one over <see cref="MaxLineBytes"/> is <see cref="RejectReason.TooLong"/>.
/// No allocation per line.
/// </summary>
public sealed class RangerTextDecoder : StreamDecoder<RangerFrame>
{
    public const int MaxLineBytes = 32;

    private readonly byte[] _line = new byte[MaxLineBytes];
    private int _length; // bytes of the current line so far (kept or, when discarding, only counted)
    private bool _discarding;

    public override int PendingBytes => _length;

    public override bool TryRead(ref ReadOnlySpan<byte> input, out RangerFrame frame)
    {
        var fed = input.Length;
        var found = false;
        frame = default;
        while (!input.IsEmpty && !found)
        {
            var end = input.IndexOf((byte)'\n');
            var part = end < 0 ? input : input[..end];
            if (!_discarding && _length + part.Length > MaxLineBytes)
                _discarding = true;
            if (!_discarding)
                part.CopyTo(_line.AsSpan(_length));
            _length += part.Length;
            input = end < 0 ? default : input[(end + 1)..];
            if (end < 0)
                break;

            var runBytes = _length + 1; // with its LF
            if (_discarding)
                Counters.Reject(RejectReason.TooLong, runBytes);
            else if (Parse(_line.AsSpan(0, _length), out frame))
            {
                found = true;
                Counters.Frames++;
                if (frame.NoReturn)
                    Counters.NoReturn++;
            }
            else
                Counters.Reject(RejectReason.Malformed, runBytes);
            _length = 0;
            _discarding = false;
        }
        Counters.Bytes += fed - input.Length;
        return found;
    }

    public override void Reset()
    {
        _length = 0;
        _discarding = false;
    }

    private static bool Parse(ReadOnlySpan<byte> line, out RangerFrame frame)
    {
        frame = default;
        if (line.EndsWith((byte)'\r'))
            line = line[..^1];
        if (!line.StartsWith("R,"u8))
            return false;
        line = line[2..];
        var comma = line.IndexOf((byte)',');
        if (comma < 0)
            return false;
        var range = line[..comma];
        if (!Utf8Parser.TryParse(line[(comma + 1)..], out int signal, out var used) || used != line.Length - comma - 1 || signal < 0)
            return false;
        if (range.SequenceEqual("-"u8))
        {
            frame = new RangerFrame(float.NaN, signal, NoReturn: true);
            return true;
        }
        if (!Utf8Parser.TryParse(range, out float metres, out used) || used != range.Length || !float.IsFinite(metres) || metres < 0)
            return false;
        frame = new RangerFrame(metres, signal, NoReturn: false);
        return true;
    }
}
