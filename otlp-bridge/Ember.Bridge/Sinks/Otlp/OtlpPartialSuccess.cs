using Google.Protobuf;

namespace Ember.Bridge.Sinks.Otlp;

/// <summary>
/// <c>ExportProfilesServiceResponse.partial_success</c>: how many profiles of an accepted request the
/// server still rejected, and why.
/// </summary>
/// <param name="RejectedProfiles"><c>rejected_profiles</c> (field 1).</param>
/// <param name="ErrorMessage"><c>error_message</c> (field 2).</param>
public sealed record OtlpPartialSuccess(long RejectedProfiles, string ErrorMessage)
{
    private const uint PartialSuccessTag = (1 << 3) | 2;
    private const uint RejectedProfilesTag = (1 << 3) | 0;
    private const uint ErrorMessageTag = (2 << 3) | 2;

    /// <summary>A fully accepted request.</summary>
    public static OtlpPartialSuccess None { get; } = new(0, "");

    /// <summary>Reads the response, skipping fields this version does not know.</summary>
    /// <exception cref="InvalidProtocolBufferException">The bytes are not a protobuf message.</exception>
    public static OtlpPartialSuccess Decode(byte[] response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var result = None;
        var input = new CodedInputStream(response);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (tag == PartialSuccessTag)
            {
                result = DecodePartialSuccess(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return result;
    }

    private static OtlpPartialSuccess DecodePartialSuccess(byte[] message)
    {
        long rejected = 0;
        var error = "";
        var input = new CodedInputStream(message);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            switch (tag)
            {
                case RejectedProfilesTag: rejected = input.ReadInt64(); break;
                case ErrorMessageTag: error = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }

        return new OtlpPartialSuccess(rejected, error);
    }
}
