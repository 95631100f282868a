using System.Runtime.InteropServices;

namespace Ember.Bpf;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        [LibraryImport(Libraries.Libbpf)]
        internal static partial nint bpf_map__name(nint map);

        [LibraryImport(Libraries.Libbpf)]
        internal static partial int bpf_map__fd(nint map);

        [LibraryImport(Libraries.Libbpf)]
        internal static partial int bpf_map__type(nint map);

        [LibraryImport(Libraries.Libbpf)]
        internal static partial uint bpf_map__key_size(nint map);

        [LibraryImport(Libraries.Libbpf)]
        internal static partial uint bpf_map__value_size(nint map);

        [LibraryImport(Libraries.Libbpf)]
        internal static partial uint bpf_map__max_entries(nint map);

        /// <summary>Resizes a map before the object is loaded; returns a negative errno.</summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static partial int bpf_map__set_max_entries(nint map, uint maxEntries);

        // The low-level map calls below take the map fd and return 0 or a negative errno.

        [LibraryImport(Libraries.Libbpf)]
        internal static unsafe partial int bpf_map_lookup_elem(int fd, void* key, void* value);

        [LibraryImport(Libraries.Libbpf)]
        internal static unsafe partial int bpf_map_update_elem(int fd, void* key, void* value, ulong flags);

        [LibraryImport(Libraries.Libbpf)]
        internal static unsafe partial int bpf_map_delete_elem(int fd, void* key);

        /// <summary>The key after <paramref name="key"/>, or the first key when it is null; -ENOENT after the last.</summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static unsafe partial int bpf_map_get_next_key(int fd, void* key, void* nextKey);

        /// <summary>
        /// Reads and deletes up to <paramref name="count"/> entries, resuming at the opaque
        /// <paramref name="inBatch"/> token (null for the start); -ENOENT when the map is exhausted.
        /// </summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static unsafe partial int bpf_map_lookup_and_delete_batch(
            int fd, void* inBatch, void* outBatch, void* keys, void* values, uint* count, void* options);

        /// <summary>Writes <paramref name="count"/> (key, value) pairs in one call; on return it holds how many were written.</summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static unsafe partial int bpf_map_update_batch(int fd, void* keys, void* values, uint* count, void* options);
    }
}
