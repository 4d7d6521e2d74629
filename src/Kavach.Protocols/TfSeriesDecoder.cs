using System.Buffers.Binary;

namespace Kavach.Protocols;

/// <summary>
/// Decodes the Benewake TF-series standard 9-byte UART frame (docs/protocols.md §1: TFmini Plus manual A05 table 7,
/// TFmini-S manual A00 table 7, ArduPilot's Benewake driver). Not thread-safe: one reading thread per instance.
/// </summary>
public sealed class TfSeriesDecoder : AssembledDecoder<TfFrame>
{
    /// <summary>Frame length: 2 sync + 2 distance + 2 strength + 2 temperature + 1 checksum.</summary>
    public const int FrameLength = 9;

    /// <summary>Sync byte, sent twice (0x59 = 'Y').</summary>
    public const byte SyncByte = 0x59;

    private static ReadOnlySpan<byte> Sync => [SyncByte, SyncByte];

    /// <summary>Creates a decoder applying <paramref name="variant"/>'s invalid-reading rules.</summary>
    public TfSeriesDecoder(TfVariant variant)
        : base(Sync, FrameLength)
    {
        if (variant < TfVariant.TfLuna || variant > TfVariant.Tf03)
            throw new ArgumentOutOfRangeException(nameof(variant), variant, "unknown TF-series variant");
        Variant = variant;
    }

    /// <summary>The model whose rules apply.</summary>
    public TfVariant Variant { get; }

    private protected override ExamineResult Examine(ReadOnlySpan<byte> window, out int length, out RejectReason reason, out TfFrame frame)
    {
        length = FrameLength;
        reason = RejectReason.BadChecksum;
        frame = default;
        if (window.Length < FrameLength)
            return ExamineResult.NeedMore;

        // Checksum: low 8 bits of the sum of bytes 0–7 (docs/protocols.md §1).
        var sum = 0;
        for (var i = 0; i < FrameLength - 1; i++)
            sum += window[i];
        if ((byte)sum != window[FrameLength - 1])
            return ExamineResult.Reject;

        var distance = BinaryPrimitives.ReadUInt16LittleEndian(window[2..]);
        var strength = BinaryPrimitives.ReadUInt16LittleEndian(window[4..]);
        var temperatureRaw = BinaryPrimitives.ReadUInt16LittleEndian(window[6..]);
        var noReturn = IsNoReturn(Variant, distance, strength);
        frame = new TfFrame
        {
            DistanceRaw = distance,
            Strength = strength,
            DistanceM = noReturn ? float.NaN : distance / 100f,
            // °C = raw/8 − 256 (docs/protocols.md §1); the TF03 leaves the field reserved.
            TemperatureC = Variant == TfVariant.Tf03 ? float.NaN : temperatureRaw / 8f - 256f,
            NoReturn = noReturn,
        };
        return ExamineResult.Frame;
    }

    /// <summary>The per-model "no valid return" rules of docs/protocols.md §1 (the values: <see cref="TfNoReturn"/>).</summary>
    public static bool IsNoReturn(TfVariant variant, ushort distanceRaw, ushort strength) =>
        variant switch
        {
            TfVariant.TfLuna => strength < TfNoReturn.TfLunaMinStrength || strength == TfNoReturn.TfLunaOverexposed,
            TfVariant.TfminiS => distanceRaw
                is TfNoReturn.TfminiSWeakCm
                    or TfNoReturn.TfminiSSignalSaturatedCm
                    or TfNoReturn.TfminiSAmbientSaturatedCm,
            TfVariant.TfminiPlus => distanceRaw == TfNoReturn.TfminiPlusNoTargetCm,
            TfVariant.Tf02Pro => strength < TfNoReturn.Tf02ProMinStrength,
            TfVariant.Tf03 => strength < TfNoReturn.Tf03MinStrength || distanceRaw >= TfNoReturn.Tf03MaxDistanceCm,
            _ => true,
        };
}
