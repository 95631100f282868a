using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Ember.Bpf;

/// <summary>Receives one record of a <see cref="BpfRingBuffer"/>; the bytes are valid only during the call.</summary>
public delegate void BpfRecordHandler(ReadOnlySpan<byte> record);

/// <summary>
/// The consumer side of a BPF_MAP_TYPE_RINGBUF map (libbpf's <c>ring_buffer</c>): <see cref="Poll"/>
/// waits for records the programs wrote and hands each to a handler on the calling thread. One
/// thread polls at a time; dispose it before the object that owns the map.
/// </summary>
public sealed class BpfRingBuffer : IDisposable
{
    private readonly SafeRingBufferHandle _handle;
    private readonly Lock _polling = new();
    private GCHandle _self;
    private BpfRecordHandler? _handler;
    private ExceptionDispatchInfo? _handlerFailure;

    private BpfRingBuffer(SafeRingBufferHandle handle, GCHandle self)
    {
        _handle = handle;
        _self = self;
    }

    /// <summary>Maps <paramref name="map"/> for reading.</summary>
    /// <exception cref="ArgumentException">The map is not a ring buffer.</exception>
    /// <exception cref="BpfException">libbpf could not map it.</exception>
    public static unsafe BpfRingBuffer Open(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type != BpfMapType.RingBuffer)
        {
            throw new ArgumentException($"map '{map.Name}' is a {map.Type} map, not a ring buffer", nameof(map));
        }

        // The context is a handle to an object created first, so the callback can find its way back.
        var holder = new StrongBox<BpfRingBuffer?>();
        var self = GCHandle.Alloc(holder);
        var handle = Interop.Libbpf.ring_buffer__new(map.Fd, &OnRecord, GCHandle.ToIntPtr(self), 0);
        if (handle.IsInvalid)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            self.Free();
            throw BpfErrors.ForBpf(errno, $"open ring buffer '{map.Name}'");
        }

        holder.Value = new BpfRingBuffer(handle, self);
        return holder.Value;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for records, then hands every available one to
    /// <paramref name="handler"/>, in the order the programs committed them.
    /// </summary>
    /// <returns>How many records were consumed.</returns>
    /// <remarks>An exception from <paramref name="handler"/> stops the poll and is rethrown here; the records after it stay in the ring.</remarks>
    /// <exception cref="BpfException">The poll failed (other than being interrupted by a signal).</exception>
    public int Poll(TimeSpan timeout, BpfRecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_polling)
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            _handler = handler;
            try
            {
                var consumed = Interop.Libbpf.ring_buffer__poll(_handle, (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue));
                _handlerFailure?.Throw();
                return consumed switch
                {
                    >= 0 => consumed,
                    -Errno.EINTR => 0,
                    _ => throw BpfErrors.ForBpf(-consumed, "poll ring buffer"),
                };
            }
            finally
            {
                _handler = null;
                _handlerFailure = null;
            }
        }
    }

    /// <summary>Unmaps the ring. Waits for a poll in progress to return.</summary>
    public void Dispose()
    {
        lock (_polling)
        {
            if (_handle.IsClosed)
            {
                return;
            }

            _handle.Dispose();
            _self.Free();
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe int OnRecord(nint context, nint data, nuint size)
    {
        // An exception must not unwind through libbpf's frames: it is kept for Poll, and a negative answer stops the poll.
        var ring = ((StrongBox<BpfRingBuffer?>)GCHandle.FromIntPtr(context).Target!).Value;
        if (ring is null)
        {
            return 0;
        }

        try
        {
            ring._handler?.Invoke(new ReadOnlySpan<byte>((void*)data, checked((int)size)));
            return 0;
        }
        catch (Exception ex)
        {
            ring._handlerFailure = ExceptionDispatchInfo.Capture(ex);
            return -1;
        }
    }
}
