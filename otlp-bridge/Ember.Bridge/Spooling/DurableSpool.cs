using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Spooling;

/// <summary>
/// A sink's durable queue: append-only segment files (<c>{n:D16}.seg</c>, format in
/// <see cref="SpoolRecordFormat"/>) plus a <c>cursor</c> file naming the first record not yet delivered.
/// <list type="bullet">
/// <item><see cref="Append"/> writes a record and fsyncs it before returning, so a receiver acknowledges
/// only what survives a crash. It refuses (<see cref="SpoolFullException"/>) when the undelivered bytes
/// would exceed the bound.</item>
/// <item>The delivery loop reads one record at a time at the cursor (<see cref="ReadNext"/>) and moves
/// the cursor past it once delivered (<see cref="Acknowledge"/>). The cursor is replaced atomically
/// (write, fsync, rename), so after a restart delivery resumes exactly after the last acknowledged
/// record: nothing is delivered twice and nothing is skipped.</item>
/// <item><see cref="Open"/> checks every record from the cursor on; a torn tail (short record, bad CRC)
/// is truncated and logged. Segments behind the cursor are deleted.</item>
/// </list>
/// Known limit: the directory itself is not fsynced after a rename or a new segment, so a power loss
/// (not a process crash) right after one can bring an older cursor back: at-least-once there.
/// Thread-safe: one lock guards writers and the single reader.
/// </summary>
internal sealed partial class DurableSpool : IDisposable
{
    private const string SegmentExtension = ".seg";
    private const string CursorFileName = "cursor";
    private const string RejectedFileName = "rejected.log";

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, long> _segmentLengths = [];
    private readonly SemaphoreSlim _appended = new(0);
    private FileStream _writer = null!;
    private long _writerSegment;
    private FileStream? _reader;
    private long _readerSegment = -1;
    private SpoolPosition _cursor;

    private DurableSpool(string directory, long maxBytes, ILogger logger)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _segmentBytes = Math.Clamp(maxBytes / 8, 1024 * 1024, 64L * 1024 * 1024);
        _logger = logger;
    }

    /// <summary>The spool's directory.</summary>
    public string Directory => _directory;

    /// <summary>Bytes not yet delivered (headers included), the quantity the bound applies to.</summary>
    public long PendingBytes
    {
        get
        {
            lock (_lock)
            {
                return PendingBytesLocked();
            }
        }
    }

    /// <summary>Records set aside as permanently undeliverable, in the spool's record format.</summary>
    public string RejectedPath => Path.Combine(_directory, RejectedFileName);

    /// <summary>Opens (creating) the spool in <paramref name="directory"/>, repairing a torn tail.</summary>
    /// <exception cref="IOException">The directory or a segment cannot be read or written.</exception>
    public static DurableSpool Open(string directory, long maxBytes, ILogger logger)
    {
        var spool = new DurableSpool(Path.GetFullPath(directory), maxBytes, logger);
        spool.Recover();
        return spool;
    }

    /// <summary>Appends one record and fsyncs it.</summary>
    /// <exception cref="SpoolFullException">The record would take the pending bytes over the bound.</exception>
    /// <exception cref="IOException">Writing failed; the segment is cut back to its previous end.</exception>
    public void Append(ReadOnlySpan<byte> payload)
    {
        lock (_lock)
        {
            EnsureRoomLocked(payload.Length);
            if (_segmentLengths[_writerSegment] + SpoolRecordFormat.HeaderLength + payload.Length > _segmentBytes
                && _segmentLengths[_writerSegment] > SpoolRecordFormat.Magic.Length)
            {
                StartSegmentLocked(_writerSegment + 1);
            }

            var start = _segmentLengths[_writerSegment];
            Span<byte> header = stackalloc byte[SpoolRecordFormat.HeaderLength];
            SpoolRecordFormat.WriteHeader(header, payload);
            try
            {
                _writer.Write(header);
                _writer.Write(payload);
                _writer.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                _writer.SetLength(start);
                _writer.Position = start;
                throw;
            }

            _segmentLengths[_writerSegment] = _writer.Position;
        }

        if (_appended.CurrentCount == 0)
        {
            _appended.Release();
        }
    }

    /// <summary>Throws <see cref="SpoolFullException"/> unless a record of this size fits now.</summary>
    public void EnsureRoom(int payloadLength)
    {
        lock (_lock)
        {
            EnsureRoomLocked(payloadLength);
        }
    }

    /// <summary>The first undelivered record, or null when everything was delivered.</summary>
    public SpoolRecord? ReadNext()
    {
        lock (_lock)
        {
            SkipFinishedSegmentsLocked();
            var length = _segmentLengths[_cursor.Segment];
            if (_cursor.Offset >= length)
            {
                return null;
            }

            var reader = ReaderLocked(_cursor.Segment);
            reader.Position = _cursor.Offset;
            Span<byte> header = stackalloc byte[SpoolRecordFormat.HeaderLength];
            reader.ReadExactly(header);
            var payload = new byte[SpoolRecordFormat.PayloadLength(header)];
            reader.ReadExactly(payload);
            return new SpoolRecord(_cursor, new SpoolPosition(_cursor.Segment, reader.Position), payload);
        }
    }

    /// <summary>Waits until something is appended (returns at once if something was since the last wait).</summary>
    public Task WaitForAppendAsync(CancellationToken cancellationToken) => _appended.WaitAsync(cancellationToken);

    /// <summary>Moves the cursor past a delivered record, durably.</summary>
    public void Acknowledge(SpoolRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            if (record.Position != _cursor)
            {
                throw new InvalidOperationException($"acknowledging {record.Position} but the cursor is at {_cursor}");
            }

            _cursor = record.Next;
            SkipFinishedSegmentsLocked();
            WriteCursorLocked();
        }
    }

    /// <summary>Copies a record the sink refused for good to <see cref="RejectedPath"/> (fsynced), then acknowledges it.</summary>
    public void SetAside(SpoolRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            using (var rejected = new FileStream(RejectedPath, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                Span<byte> header = stackalloc byte[SpoolRecordFormat.HeaderLength];
                SpoolRecordFormat.WriteHeader(header, record.Payload);
                rejected.Write(header);
                rejected.Write(record.Payload);
                rejected.Flush(flushToDisk: true);
            }

            Acknowledge(record);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock)
        {
            _writer.Dispose();
            _reader?.Dispose();
        }

        _appended.Dispose();
    }

    private long PendingBytesLocked() => _segmentLengths.Where(s => s.Key >= _cursor.Segment).Sum(s => s.Value) - _cursor.Offset;

    private void EnsureRoomLocked(int payloadLength)
    {
        var pending = PendingBytesLocked();
        if (pending + SpoolRecordFormat.HeaderLength + payloadLength > _maxBytes)
        {
            throw new SpoolFullException($"spool {Path.GetFileName(_directory)} is full ({pending} of {_maxBytes} bytes undelivered)");
        }
    }

    private void Recover()
    {
        System.IO.Directory.CreateDirectory(_directory);
        foreach (var file in System.IO.Directory.EnumerateFiles(_directory, "*" + SegmentExtension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                _segmentLengths[number] = new FileInfo(file).Length;
            }
        }

        _cursor = ReadCursor() ?? new SpoolPosition(_segmentLengths.Count > 0 ? _segmentLengths.Keys.First() : 0, SpoolRecordFormat.Magic.Length);
        foreach (var stale in _segmentLengths.Keys.Where(n => n < _cursor.Segment).ToList())
        {
            File.Delete(SegmentPath(stale));
            _segmentLengths.Remove(stale);
        }

        foreach (var number in _segmentLengths.Keys.ToList())
        {
            _segmentLengths[number] = RepairSegment(number, number == _segmentLengths.Keys.Last());
        }

        if (_segmentLengths.Count == 0)
        {
            StartSegmentLocked(_cursor.Segment);
        }
        else
        {
            _writerSegment = _segmentLengths.Keys.Last();
            _writer = new FileStream(SegmentPath(_writerSegment), FileMode.Open, FileAccess.Write, FileShare.Read);
            _writer.Position = _segmentLengths[_writerSegment];
        }

        if (!_segmentLengths.TryGetValue(_cursor.Segment, out var cursorSegmentLength) || _cursor.Offset > cursorSegmentLength)
        {
            LogCursorBeyondData(_logger, _directory, _cursor.Segment, _cursor.Offset);
            _cursor = new SpoolPosition(_segmentLengths.Keys.First(), SpoolRecordFormat.Magic.Length);
        }

        var pending = PendingBytesLocked();
        LogOpened(_logger, _directory, pending);
    }

    /// <summary>Checks each record of a segment; cuts the file at the first torn or corrupt one. Returns the valid length.</summary>
    private long RepairSegment(long number, bool isLast)
    {
        var path = SegmentPath(number);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        Span<byte> magic = stackalloc byte[SpoolRecordFormat.Magic.Length];
        if (stream.Length < magic.Length || stream.Read(magic) < magic.Length || !magic.SequenceEqual(SpoolRecordFormat.Magic))
        {
            // A segment torn while being created holds nothing acknowledged; anything else is foreign data.
            LogTornTail(_logger, path, 0, stream.Length);
            stream.SetLength(0);
            stream.Write(SpoolRecordFormat.Magic);
            stream.Flush(flushToDisk: true);
            return SpoolRecordFormat.Magic.Length;
        }

        Span<byte> header = stackalloc byte[SpoolRecordFormat.HeaderLength];
        var valid = stream.Position;
        while (valid < stream.Length)
        {
            if (stream.Length - valid < header.Length || stream.Read(header) < header.Length)
            {
                break;
            }

            var length = SpoolRecordFormat.PayloadLength(header);
            if (length < 0 || stream.Length - stream.Position < length)
            {
                break;
            }

            var payload = new byte[length];
            stream.ReadExactly(payload);
            if (!SpoolRecordFormat.IsIntact(header, payload))
            {
                break;
            }

            valid = stream.Position;
        }

        if (valid < stream.Length)
        {
            if (isLast)
            {
                LogTornTail(_logger, path, valid, stream.Length - valid);
            }
            else
            {
                LogCorruptSegment(_logger, path, valid, stream.Length - valid);
            }

            stream.SetLength(valid);
            stream.Flush(flushToDisk: true);
        }

        return valid;
    }

    private void StartSegmentLocked(long number)
    {
        _writer?.Dispose();
        var path = SegmentPath(number);
        _writer = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        _writer.Write(SpoolRecordFormat.Magic);
        _writer.Flush(flushToDisk: true);
        _writerSegment = number;
        _segmentLengths[number] = _writer.Position;
    }

    /// <summary>Moves the cursor off segments it has read to the end, deleting them (never the one being written).</summary>
    private void SkipFinishedSegmentsLocked()
    {
        while (_cursor.Segment != _writerSegment && _cursor.Offset >= _segmentLengths[_cursor.Segment])
        {
            var finished = _cursor.Segment;
            _cursor = new SpoolPosition(_segmentLengths.Keys.First(n => n > finished), SpoolRecordFormat.Magic.Length);
            WriteCursorLocked();
            if (_readerSegment == finished)
            {
                _reader?.Dispose();
                _reader = null;
                _readerSegment = -1;
            }

            File.Delete(SegmentPath(finished));
            _segmentLengths.Remove(finished);
        }
    }

    private FileStream ReaderLocked(long segment)
    {
        if (_readerSegment != segment)
        {
            _reader?.Dispose();
            _reader = new FileStream(SegmentPath(segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _readerSegment = segment;
        }

        return _reader!;
    }

    private SpoolPosition? ReadCursor()
    {
        var path = Path.Combine(_directory, CursorFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var segment)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return new SpoolPosition(segment, offset);
        }

        throw new IOException($"spool cursor {path} is corrupt ('{File.ReadAllText(path)}'); it must be 'SEGMENT OFFSET'");
    }

    private void WriteCursorLocked()
    {
        var path = Path.Combine(_directory, CursorFileName);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{_cursor.Segment} {_cursor.Offset}\n")));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private string SegmentPath(long number) => Path.Combine(_directory, number.ToString("D16", CultureInfo.InvariantCulture) + SegmentExtension);

    [LoggerMessage(Level = LogLevel.Information, Message = "spool {Directory} opened with {PendingBytes} bytes to deliver")]
    private static partial void LogOpened(ILogger logger, string directory, long pendingBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "spool segment {Path}: torn tail after a crash, cut at byte {Offset} ({Bytes} bytes of an unacknowledged write dropped)")]
    private static partial void LogTornTail(ILogger logger, string path, long offset, long bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "spool segment {Path}: corrupt record at byte {Offset}; {Bytes} bytes after it are lost")]
    private static partial void LogCorruptSegment(ILogger logger, string path, long offset, long bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "spool {Directory}: cursor {Segment}/{Offset} points past the data; delivering from the oldest segment")]
    private static partial void LogCursorBeyondData(ILogger logger, string directory, long segment, long offset);
}
