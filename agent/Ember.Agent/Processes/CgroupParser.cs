using System.Text.RegularExpressions;

namespace Ember.Agent.Processes;

/// <summary>
/// Reads the container ID and pod UID out of <c>/proc/PID/cgroup</c>. Handles cgroup v1
/// (<c>N:controller:/path</c>) and v2 (<c>0::/path</c>) and the path forms of Docker
/// (<c>/docker/ID</c>, <c>docker-ID.scope</c>), containerd (<c>cri-containerd-ID.scope</c>,
/// <c>/kubepods/.../podUID/ID</c>) and CRI-O (<c>crio-ID.scope</c>), under both the cgroupfs and
/// systemd cgroup drivers (systemd writes pod UIDs with underscores).
/// </summary>
public static partial class CgroupParser
{
    /// <summary>Parses the whole file; null when the process is not in a container.</summary>
    public static ContainerIdentity? Parse(string cgroupFile)
    {
        ArgumentNullException.ThrowIfNull(cgroupFile);
        ContainerIdentity? found = null;
        foreach (var rawLine in cgroupFile.Split('\n'))
        {
            var line = rawLine.Trim();
            var firstColon = line.IndexOf(':', StringComparison.Ordinal);
            var secondColon = firstColon < 0 ? -1 : line.IndexOf(':', firstColon + 1);
            if (secondColon < 0)
            {
                continue;
            }

            if (ParsePath(line[(secondColon + 1)..]) is { } identity)
            {
                // The unified (v2) line wins over v1 controllers; they agree in practice.
                if (found is null || line.StartsWith("0::", StringComparison.Ordinal))
                {
                    found = identity;
                }
            }
        }

        return found;
    }

    /// <summary>Parses one cgroup path.</summary>
    public static ContainerIdentity? ParsePath(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            var match = ContainerSegment().Match(segments[i]);
            if (!match.Success)
            {
                continue;
            }

            var runtime = match.Groups["prefix"].Value switch
            {
                "docker-" => "docker",
                "cri-containerd-" or "containerd-" => "containerd",
                "crio-" or "crio-conmon-" => "cri-o",
                _ => RuntimeFromParent(segments, i),
            };
            return new ContainerIdentity(match.Groups["id"].Value, runtime, FindPodUid(segments));
        }

        return null;
    }

    private static string? RuntimeFromParent(string[] segments, int index) =>
        index > 0 && segments[index - 1] is "docker" ? "docker" : null;

    private static string? FindPodUid(string[] segments)
    {
        foreach (var segment in segments)
        {
            var match = PodSegment().Match(segment);
            if (match.Success)
            {
                return match.Groups["uid"].Value.Replace('_', '-');
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(?<prefix>docker-|cri-containerd-|containerd-|crio-conmon-|crio-)?(?<id>[0-9a-f]{64})(\.scope)?$")]
    private static partial Regex ContainerSegment();

    [GeneratedRegex(@"pod(?<uid>[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(\.slice)?$")]
    private static partial Regex PodSegment();
}
