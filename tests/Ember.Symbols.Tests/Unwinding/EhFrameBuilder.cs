using System.Buffers.Binary;
using Ember.Symbols.Unwinding;

namespace Ember.Symbols.Tests.Unwinding;

/// <summary>Writes hand-made <c>.eh_frame</c> bytes: CIEs and FDEs (pcrel sdata4 addresses) at a fixed section address.</summary>
internal sealed class EhFrameBuilder
{
    public const ulong SectionAddress = 0x1000;

    /// <summary>DW_CFA_def_cfa rsp 8; DW_CFA_offset r16 (ra) at cfa-8: what GCC puts in every x86-64 CIE.</summary>
    public static readonly byte[] StandardInitial = [0x0c, 0x07, 0x08, 0x90, 0x01];

    private readonly List<byte> _bytes = [];

    public int Offset => _bytes.Count;

    /// <summary>Adds a CIE, version 1, code alignment 1, data alignment -8, RA column 16.</summary>
    public int Cie(string augmentation = "zR", byte[]? initial = null, byte[]? augmentationData = null)
    {
        var body = new List<byte> { 0, 0, 0, 0, 1 };
        body.AddRange(System.Text.Encoding.ASCII.GetBytes(augmentation));
        body.AddRange([0, 0x01, 0x78, 16]);
        if (augmentation.StartsWith('z'))
        {
            var data = augmentationData ?? [0x1b];
            body.AddRange(Uleb((ulong)data.Length));
            body.AddRange(data);
        }

        body.AddRange(initial ?? StandardInitial);
        return Entry(body);
    }

    /// <summary>Adds an FDE for [begin, begin + range) whose CIE pointer is computed from <paramref name="cie"/> (or given raw).</summary>
    public int Fde(int cie, ulong begin, uint range, byte[] instructions, uint? rawCiePointer = null)
    {
        var start = Offset;
        var body = new List<byte>();
        var pointerField = start + 4;
        body.AddRange(U32(rawCiePointer ?? (uint)(pointerField - cie)));
        var beginField = SectionAddress + (ulong)pointerField + 4;
        body.AddRange(U32(unchecked((uint)(begin - beginField))));
        body.AddRange(U32(range));
        body.Add(0);
        body.AddRange(instructions);
        return Entry(body);
    }

    public void Raw(params byte[] bytes) => _bytes.AddRange(bytes);

    public byte[] ToArray() => [.. _bytes, 0, 0, 0, 0];

    public UnwindTable Build(UnwindTableLimits? limits = null) =>
        UnwindTableBuilder.Build(ToArray(), CfiSection.EhFrame, new CfiBases(SectionAddress, null, null), limits ?? UnwindTableLimits.Default);

    public static byte[] Uleb(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private int Entry(List<byte> body)
    {
        var start = Offset;
        _bytes.AddRange(U32((uint)body.Count));
        _bytes.AddRange(body);
        return start;
    }
}
