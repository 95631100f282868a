namespace Ember.Profiles.Otlp.Json;

/// <summary>The protobuf scalar type of a field, or <see cref="Message"/> for an embedded message.</summary>
internal enum OtlpFieldKind
{
    Int32,
    Int64,
    UInt32,
    UInt64,
    Fixed64,
    Bool,
    Double,
    String,
    Bytes,
    Message,
}
