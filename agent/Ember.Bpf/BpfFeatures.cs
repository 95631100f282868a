namespace Ember.Bpf;

/// <summary>Asks the running kernel whether it has a BPF feature, by loading a minimal program or map.</summary>
public static class BpfFeatures
{
    /// <summary>Throws unless the kernel can load programs of <paramref name="type"/>.</summary>
    /// <exception cref="BpfNotSupportedException">The kernel lacks the program type.</exception>
    /// <exception cref="BpfPermissionException">The probe itself was not permitted.</exception>
    public static void RequireProgramType(BpfProgramType type) =>
        Check(Interop.Libbpf.libbpf_probe_bpf_prog_type((int)type, 0), $"{type} programs");

    /// <summary>Throws unless the kernel can create maps of <paramref name="type"/>.</summary>
    /// <exception cref="BpfNotSupportedException">The kernel lacks the map type.</exception>
    /// <exception cref="BpfPermissionException">The probe itself was not permitted.</exception>
    public static void RequireMapType(BpfMapType type) =>
        Check(Interop.Libbpf.libbpf_probe_bpf_map_type((int)type, 0), $"{type} maps");

    private static void Check(int result, string feature)
    {
        switch (result)
        {
            case 1:
                return;
            case 0:
                throw new BpfNotSupportedException($"probe {feature}: the kernel does not support them", feature);
            default:
                throw BpfErrors.ForBpf(result, $"probe {feature}");
        }
    }
}
