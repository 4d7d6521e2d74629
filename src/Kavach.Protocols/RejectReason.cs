namespace Kavach.Protocols;

/// <summary>Why a decoder threw away a run of bytes. Every rejected run is counted under exactly one reason.</summary>
public enum RejectReason
{
    /// <summary>Bytes that do not start a frame (garbage before a sync/magic word).</summary>
    BadHeader = 0,

    /// <summary>A frame whose checksum or CRC does not match.</summary>
    BadChecksum = 1,

    /// <summary>A length field that is impossible for the format, or a frame cut short.</summary>
    BadLength = 2,

    /// <summary>A well-formed frame carrying a value no real sensor can report.</summary>
    ImpossibleValue = 3,

    /// <summary>Text that is not valid JSON (or not a valid text line for text protocols).</summary>
    Malformed = 4,

    /// <summary>A JSON field of the wrong type (a string where a number belongs, ...).</summary>
    WrongType = 5,

    /// <summary>NaN or Infinity, as a literal or a string, where a number belongs.</summary>
    NotFinite = 6,

    /// <summary>A line longer than the format allows (JSON lines: 64 KiB).</summary>
    TooLong = 7,

    /// <summary>A JSON line naming a sensor kind that is not lidar, radar or camera, or a line without the fields its kind needs.</summary>
    MissingField = 8,

    /// <summary>A JSON line whose "sensor" names a kind this input does not accept; an NMEA sentence from a talker
    /// that is not a satellite system (docs/protocols.md §8).</summary>
    UnknownSensor = 9,
}

/// <summary>Helpers for <see cref="RejectReason"/> names as they appear in logs, metrics and the API.</summary>
public static class RejectReasons
{
    /// <summary>Number of reasons (for fixed-size counter arrays).</summary>
    public const int Count = 10;

    /// <summary>The kebab-case name used in logs, metrics labels and JSON.</summary>
    public static string Name(RejectReason reason) =>
        reason switch
        {
            RejectReason.BadHeader => "bad-header",
            RejectReason.BadChecksum => "bad-checksum",
            RejectReason.BadLength => "bad-length",
            RejectReason.ImpossibleValue => "impossible-value",
            RejectReason.Malformed => "malformed",
            RejectReason.WrongType => "wrong-type",
            RejectReason.NotFinite => "not-finite",
            RejectReason.TooLong => "too-long",
            RejectReason.MissingField => "missing-field",
            RejectReason.UnknownSensor => "unknown-sensor",
            _ => "unknown",
        };
}
