using Ember.Agent.Processes;

namespace Ember.Agent.Tests.Processes;

public class CgroupParserTests
{
    private const string Id = "4f1c2a7d9e0b3c5a6f8e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a";
    private const string Uid = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

    public static TheoryData<string, string, string?, string?> CgroupFiles() => new()
    {
        { "docker, cgroup v1", $"12:memory:/docker/{Id}\n11:cpu,cpuacct:/docker/{Id}\n", "docker", null },
        { "docker, cgroup v2 systemd", $"0::/system.slice/docker-{Id}.scope\n", "docker", null },
        { "containerd kubepods v2 systemd", $"0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{Uid.Replace('-', '_')}.slice/cri-containerd-{Id}.scope\n", "containerd", Uid },
        { "cri-o kubepods v2 systemd", $"0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{Uid.Replace('-', '_')}.slice/crio-{Id}.scope\n", "cri-o", Uid },
        { "kubepods v1 cgroupfs", $"5:cpuset:/kubepods/besteffort/pod{Uid}/{Id}\n", null, Uid },
        { "kubepods v2 cgroupfs", $"0::/kubepods/burstable/pod{Uid}/{Id}\n", null, Uid },
    };

    [Theory]
    [MemberData(nameof(CgroupFiles))]
    public void Container_id_runtime_and_pod_uid_are_read_from_every_path_form(string name, string file, string? runtime, string? podUid)
    {
        var identity = CgroupParser.Parse(file);

        Assert.NotNull(identity);
        Assert.Equal((Id, runtime, podUid), (identity.ContainerId, identity.Runtime, identity.PodUid));
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Theory]
    [InlineData("0::/user.slice/user-0.slice/session-3.scope\n")]
    [InlineData("0::/\n")]
    [InlineData("")]
    [InlineData("garbage without colons")]
    [InlineData("0::/system.slice/docker-notahexid.scope")]
    public void Host_processes_and_garbage_have_no_container(string file)
    {
        Assert.Null(CgroupParser.Parse(file));
    }

    [Fact]
    public void This_test_process_cgroup_file_parses_without_error()
    {
        var file = File.ReadAllText("/proc/self/cgroup");
        var identity = CgroupParser.Parse(file);
        Assert.True(identity is null || identity.ContainerId.Length == 64);
    }
}
