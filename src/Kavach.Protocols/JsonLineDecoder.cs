using System.Text.Json;

namespace Kavach.Protocols;

/// <summary>
/// Sensor JSON lines (one JSON object per '\n'-terminated line) → <see cref="JsonLineFrame"/>.
/// A pure state machine: no I/O, no clock, never throws; lines are validated strictly (wrong types,
/// NaN/Infinity, out-of-range values and lines over <see cref="MaxLineBytes"/> are rejected and counted
/// by reason, never guessed). Unknown fields (such as the original camera's "id") are ignored.
/// Not thread-safe: one decoder per connection.
/// </summary>
public sealed class JsonLineDecoder : StreamDecoder<JsonLineFrame>
{
    /// <summary>Longest accepted line, newline excluded.</summary>
    public const int MaxLineBytes = 64 * 1024;

    // Physical plausibility bounds (anything beyond is a broken sender, not a measurement).
    private const float MaxDistanceM = 10_000f;
    private const float MaxClosingSpeedMps = 200f; // 720 km/h: beyond any rail or road vehicle
    private const float MaxVisibilityM = 100_000f;
    private const float MaxStrength = 1_000_000f;

    private readonly byte[] _line = new byte[MaxLineBytes];
    private int _length;
    private bool _discarding; // inside an over-long line: drop until the next newline

    /// <summary>Creates a decoder; lines without a "sensor" field take <paramref name="defaultKind"/>
    /// (<see cref="SensorKind.Unspecified"/>: such lines are rejected as <see cref="RejectReason.MissingField"/>).</summary>
    public JsonLineDecoder(SensorKind defaultKind = SensorKind.Unspecified) => DefaultKind = defaultKind;

    /// <summary>The kind of lines without a "sensor" field; may change between lines (an MQTT message's topic names it).</summary>
    public SensorKind DefaultKind { get; set; }

    /// <summary>Bytes of an unterminated line kept for the next call.</summary>
    public override int PendingBytes => _length;

    /// <summary>
    /// Consumes bytes from <paramref name="input"/> until one valid line completes or the input is
    /// exhausted. Returns true with the frame when one completes; call again until it returns false.
    /// </summary>
    public override bool TryRead(ref ReadOnlySpan<byte> input, out JsonLineFrame frame)
    {
        while (!input.IsEmpty)
        {
            var nl = input.IndexOf((byte)'\n');
            var chunk = nl < 0 ? input : input[..nl];
            var consumed = nl < 0 ? input.Length : nl + 1;
            Counters.Bytes += consumed;
            input = input[consumed..];

            if (_discarding)
            {
                _length += chunk.Length;
                if (nl >= 0)
                {
                    Counters.Reject(RejectReason.TooLong, _length + 1);
                    _discarding = false;
                    _length = 0;
                }
                continue;
            }

            if (_length + chunk.Length > MaxLineBytes)
            {
                _discarding = true;
                _length += chunk.Length;
                if (nl >= 0)
                {
                    Counters.Reject(RejectReason.TooLong, _length + 1);
                    _discarding = false;
                    _length = 0;
                }
                continue;
            }

            if (nl < 0)
            {
                chunk.CopyTo(_line.AsSpan(_length));
                _length += chunk.Length;
                continue;
            }

            ReadOnlySpan<byte> line;
            if (_length == 0)
            {
                line = chunk; // the common case: a whole line inside one read, parsed in place
            }
            else
            {
                chunk.CopyTo(_line.AsSpan(_length));
                line = _line.AsSpan(0, _length + chunk.Length);
            }

            var lineBytes = line.Length + 1;
            _length = 0;
            line = line.TrimEnd((byte)'\r');
            if (IsBlank(line))
                continue; // keep-alive newlines are not frames and not errors

            var reason = Parse(line, DefaultKind, out frame);
            if (reason is null)
            {
                Counters.Frames++;
                if (frame.NoReturn)
                    Counters.NoReturn++;
                return true;
            }

            Counters.Reject(reason.Value, lineBytes);
        }

        frame = default;
        return false;
    }

    /// <summary>
    /// The stream ended (peer disconnected): a partial line left over is rejected and counted
    /// (<see cref="RejectReason.BadLength"/>, or <see cref="RejectReason.TooLong"/>), never parsed.
    /// </summary>
    public override void EndOfStream()
    {
        if (_length > 0 || _discarding)
        {
            var reason = _discarding ? RejectReason.TooLong : RejectReason.BadLength;
            Counters.Reject(reason, _length);
        }
        Reset();
    }

    /// <summary>Drops any partial line without counting it (a new connection).</summary>
    public override void Reset()
    {
        _length = 0;
        _discarding = false;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                return false;
        return true;
    }

    /// <summary>Parses one line (without its newline). Returns null when valid, else the reason.</summary>
    public static RejectReason? Parse(ReadOnlySpan<byte> line, SensorKind defaultKind, out JsonLineFrame frame)
    {
        frame = default;
        try
        {
            return ParseCore(line, defaultKind, out frame);
        }
        catch (JsonException)
        {
            // Python's json.dumps writes NaN/Infinity literals, which are not JSON: name that cause.
            return line.IndexOf("NaN"u8) >= 0 || line.IndexOf("Infinity"u8) >= 0 ? RejectReason.NotFinite : RejectReason.Malformed;
        }
    }

    private static RejectReason? ParseCore(ReadOnlySpan<byte> line, SensorKind defaultKind, out JsonLineFrame frame)
    {
        frame = default;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return RejectReason.Malformed;

        var kind = SensorKind.Unspecified;
        float distance = float.NaN,
            c = float.NaN,
            strength = float.NaN,
            range = float.NaN,
            speed = float.NaN,
            snr = float.NaN,
            visibility = float.NaN,
            visibilityM = float.NaN;
        double ts = double.NaN;
        var targets = -1;
        bool hasDistance = false,
            distanceNull = false,
            hasRange = false,
            rangeNull = false;

        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
                break;
            if (reader.TokenType != JsonTokenType.PropertyName)
                return RejectReason.Malformed;

            RejectReason? r = null;
            if (reader.ValueTextEquals("sensor"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                    return RejectReason.WrongType;
                if (reader.ValueTextEquals("lidar"u8))
                    kind = SensorKind.Lidar;
                else if (reader.ValueTextEquals("radar"u8))
                    kind = SensorKind.Radar;
                else if (reader.ValueTextEquals("camera"u8))
                    kind = SensorKind.Camera;
                else
                    return RejectReason.UnknownSensor;
            }
            else if (reader.ValueTextEquals("distance"u8))
            {
                r = ReadNumber(ref reader, 0, MaxDistanceM, true, out distance, out distanceNull);
                hasDistance = true;
            }
            else if (reader.ValueTextEquals("c"u8))
                r = ReadNumber(ref reader, 0, 1, false, out c, out _);
            else if (reader.ValueTextEquals("strength"u8))
                r = ReadNumber(ref reader, 0, MaxStrength, false, out strength, out _);
            else if (reader.ValueTextEquals("range"u8))
            {
                r = ReadNumber(ref reader, 0, MaxDistanceM, true, out range, out rangeNull);
                hasRange = true;
            }
            else if (reader.ValueTextEquals("speed"u8))
                r = ReadNumber(ref reader, -MaxClosingSpeedMps, MaxClosingSpeedMps, true, out speed, out _);
            else if (reader.ValueTextEquals("snr"u8))
                r = ReadNumber(ref reader, -50, 200, true, out snr, out _);
            else if (reader.ValueTextEquals("targets"u8))
            {
                r = ReadNumber(ref reader, 0, 10_000, false, out var t, out _);
                if (r is null && t != MathF.Floor(t))
                    r = RejectReason.WrongType;
                targets = (int)t;
            }
            else if (reader.ValueTextEquals("visibility"u8))
                r = ReadNumber(ref reader, 0, 1, false, out visibility, out _);
            else if (reader.ValueTextEquals("visibility_m"u8))
                r = ReadNumber(ref reader, 0, MaxVisibilityM, false, out visibilityM, out _);
            else if (reader.ValueTextEquals("ts"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var s) && double.IsFinite(s))
                    ts = s;
                else if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var dto))
                    ts = dto.ToUnixTimeMilliseconds() / 1000.0;
                else
                    return RejectReason.WrongType;
            }
            else
            {
                reader.Read();
                reader.Skip(); // unknown field: ignored (forward compatible)
            }
            if (r is not null)
                return r;
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            return RejectReason.Malformed;

        if (kind == SensorKind.Unspecified)
            kind = defaultKind;
        switch (kind)
        {
            case SensorKind.Lidar:
                if (!hasDistance)
                    return RejectReason.MissingField;
                var noReturn = distanceNull || c == 0f;
                frame = new JsonLineFrame
                {
                    Kind = kind,
                    NoReturn = noReturn,
                    DistanceM = noReturn ? float.NaN : distance,
                    Confidence = c,
                    Strength = strength,
                    RangeM = float.NaN,
                    ClosingSpeedMps = float.NaN,
                    SnrDb = float.NaN,
                    Targets = -1,
                    Visibility = float.NaN,
                    VisibilityM = float.NaN,
                    TimestampUnixS = ts,
                };
                return null;
            case SensorKind.Radar:
                if (!hasRange)
                    return RejectReason.MissingField;
                frame = new JsonLineFrame
                {
                    Kind = kind,
                    DistanceM = float.NaN,
                    Confidence = float.NaN,
                    Strength = float.NaN,
                    RangeM = rangeNull ? float.NaN : range,
                    ClosingSpeedMps = rangeNull ? float.NaN : speed,
                    SnrDb = snr,
                    Targets = targets >= 0 ? targets : (rangeNull ? 0 : 1),
                    Visibility = float.NaN,
                    VisibilityM = float.NaN,
                    TimestampUnixS = ts,
                };
                return null;
            case SensorKind.Camera:
                if (float.IsNaN(visibility) && float.IsNaN(visibilityM))
                    return RejectReason.MissingField;
                frame = new JsonLineFrame
                {
                    Kind = kind,
                    DistanceM = float.NaN,
                    Confidence = float.NaN,
                    Strength = float.NaN,
                    RangeM = float.NaN,
                    ClosingSpeedMps = float.NaN,
                    SnrDb = float.NaN,
                    Targets = -1,
                    Visibility = visibility,
                    VisibilityM = visibilityM,
                    TimestampUnixS = ts,
                };
                return null;
            default:
                return RejectReason.MissingField;
        }
    }

    private static RejectReason? ReadNumber(
        ref Utf8JsonReader reader,
        float min,
        float max,
        bool nullable,
        out float value,
        out bool isNull
    )
    {
        value = float.NaN;
        isNull = false;
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null when nullable:
                isNull = true;
                return null;
            case JsonTokenType.Number:
                if (!reader.TryGetDouble(out var d) || !double.IsFinite(d))
                    return RejectReason.NotFinite;
                if (d < min || d > max)
                    return RejectReason.ImpossibleValue;
                value = (float)d;
                return null;
            case JsonTokenType.String:
                return reader.ValueTextEquals("NaN"u8) || reader.ValueTextEquals("Infinity"u8) || reader.ValueTextEquals("-Infinity"u8)
                    ? RejectReason.NotFinite
                    : RejectReason.WrongType;
            default:
                if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                    reader.Skip();
                return RejectReason.WrongType;
        }
    }
}
