namespace Ember.Bpf;

/// <summary>How <see cref="BpfMap.Update{TKey, TValue}(in TKey, in TValue, BpfUpdateFlags)"/> treats an existing key.</summary>
public enum BpfUpdateFlags : ulong
{
    /// <summary>BPF_ANY: create or replace.</summary>
    Any = 0,

    /// <summary>BPF_NOEXIST: create only; fails when the key exists.</summary>
    NoExist = 1,

    /// <summary>BPF_EXIST: replace only; fails when the key is missing.</summary>
    Exist = 2,
}
