namespace Ember.Agent.Export;

/// <summary>
/// <c>ExportProfilesServiceResponse{partial_success{rejected_profiles=1, error_message=2}}</c>,
/// decoded by hand: two fields do not justify a dependency on Ember.Profiles' internal protobuf reader.
/// </summary>
/// <param name="RejectedProfiles">Profiles the server dropped.</param>
/// <param name="ErrorMessage">The server's explanation, empty when everything was accepted.</param>
public sealed record ExportResponse(long RejectedProfiles, string ErrorMessage)
{
    /// <summary>The response of a fully accepted request.</summary>
    public static ExportResponse Empty { get; } = new(0, "");

    /// <summary>Decodes a response, skipping fields this version does not know.</summary>
    /// <exception cref="FormatException">The bytes are not a valid protobuf message.</exception>
    public static ExportResponse Decode(ReadOnlySpan<byte> data)
    {
        var result = Empty;
        var reader = new Reader(data);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == 1 && wireType == WireLength)
            {
                result = DecodePartialSuccess(reader.ReadLength());
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return result;
    }

    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLength = 2;
    private const int WireFixed32 = 5;

    private static ExportResponse DecodePartialSuccess(ReadOnlySpan<byte> data)
    {
        long rejected = 0;
        var message = "";
        var reader = new Reader(data);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == 1 && wireType == WireVarint)
            {
                rejected = (long)reader.ReadVarint();
            }
            else if (field == 2 && wireType == WireLength)
            {
                message = System.Text.Encoding.UTF8.GetString(reader.ReadLength());
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return new ExportResponse(rejected, message);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position >= _data.Length;

        public (int Field, int WireType) ReadTag()
        {
            var tag = ReadVarint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Next();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new FormatException("malformed varint in export response");
        }

        public ReadOnlySpan<byte> ReadLength()
        {
            var length = ReadVarint();
            if (length > (ulong)(_data.Length - _position))
            {
                throw new FormatException("truncated field in export response");
            }

            var slice = _data.Slice(_position, (int)length);
            _position += (int)length;
            return slice;
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case WireVarint: ReadVarint(); break;
                case WireFixed64: Advance(8); break;
                case WireLength: ReadLength(); break;
                case WireFixed32: Advance(4); break;
                default: throw new FormatException($"unsupported wire type {wireType} in export response");
            }
        }

        private void Advance(int count)
        {
            if (count > _data.Length - _position)
            {
                throw new FormatException("truncated field in export response");
            }

            _position += count;
        }

        private byte Next() =>
            _position < _data.Length ? _data[_position++] : throw new FormatException("truncated export response");
    }
}
