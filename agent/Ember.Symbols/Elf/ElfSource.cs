using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Ember.Symbols.Elf;

/// <summary>
/// Random-access bytes of an ELF image: a file read with <see cref="RandomAccess"/> (never loaded
/// whole) or an image already in memory (a vDSO copy, a test buffer). Every read is bounds-checked
/// so a lying header can only produce an <see cref="ElfFormatException"/>.
/// </summary>
internal abstract class ElfSource : IDisposable
{
    /// <summary>Size of the image in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>Reads as many bytes as are available at <paramref name="offset"/>, up to the buffer size.</summary>
    public abstract int ReadAtMost(long offset, Span<byte> buffer);

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/> or throws when the image is shorter.</summary>
    public void ReadExactly(long offset, Span<byte> buffer, string what)
    {
        if (offset < 0 || offset > Length || buffer.Length > Length - offset)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{what}: {buffer.Length} bytes at offset {offset} run past the end of the file ({Length} bytes)"));
        }

        if (ReadAtMost(offset, buffer) != buffer.Length)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{what}: file ended while reading {buffer.Length} bytes at offset {offset}"));
        }
    }

    /// <summary>Reads a whole range into a new array after checking it lies inside the image and under <paramref name="limit"/>.</summary>
    public byte[] ReadArray(ulong offset, ulong size, long limit, string what)
    {
        if (size > (ulong)limit)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{what}: {size} bytes exceed the limit of {limit}"));
        }

        CheckRange(offset, size, what);
        var bytes = new byte[(int)size];
        ReadExactly((long)offset, bytes, what);
        return bytes;
    }

    /// <summary>Throws unless [offset, offset+size) lies inside the image.</summary>
    public void CheckRange(ulong offset, ulong size, string what)
    {
        if (offset > (ulong)Length || size > (ulong)Length - offset)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{what}: range [{offset}, +{size}) lies outside the file ({Length} bytes)"));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the underlying file handle, if any.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>An ELF file read on demand through a <see cref="SafeFileHandle"/>.</summary>
internal sealed class FileElfSource : ElfSource
{
    private readonly SafeFileHandle _handle;
    private readonly bool _ownsHandle;

    public FileElfSource(SafeFileHandle handle, bool ownsHandle)
    {
        _handle = handle;
        _ownsHandle = ownsHandle;
        Length = RandomAccess.GetLength(handle);
    }

    public override long Length { get; }

    public override int ReadAtMost(long offset, Span<byte> buffer)
    {
        var total = 0;
        try
        {
            while (total < buffer.Length)
            {
                var read = RandomAccess.Read(_handle, buffer[total..], offset + total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (IOException exception)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture,
                $"reading {buffer.Length} bytes at offset {offset} failed"), exception);
        }

        return total;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsHandle)
        {
            _handle.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>An ELF image held in memory.</summary>
internal sealed class MemoryElfSource(ReadOnlyMemory<byte> image) : ElfSource
{
    public override long Length => image.Length;

    public override int ReadAtMost(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= image.Length)
        {
            return 0;
        }

        var available = image.Span[(int)offset..];
        var count = Math.Min(available.Length, buffer.Length);
        available[..count].CopyTo(buffer);
        return count;
    }
}
