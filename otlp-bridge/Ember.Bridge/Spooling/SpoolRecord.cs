namespace Ember.Bridge.Spooling;

/// <summary>Where a record starts: the segment's number and the byte offset inside it.</summary>
/// <param name="Segment">Segment number (the file is <c>{Segment:D16}.seg</c>).</param>
/// <param name="Offset">Byte offset of the record header in that segment.</param>
public readonly record struct SpoolPosition(long Segment, long Offset);

/// <summary>One spooled request, read back for delivery.</summary>
/// <param name="Position">Where it starts.</param>
/// <param name="Next">Where the record after it starts; the cursor moves here once it is delivered.</param>
/// <param name="Payload">The serialized OTLP request.</param>
public sealed record SpoolRecord(SpoolPosition Position, SpoolPosition Next, byte[] Payload);
