using System.Text.Json;
using Ember.Deploy.Tests.Support;

namespace Ember.Deploy.Tests.Docker;

/// <summary>
/// The container images cannot be built here (no Docker), so what can be known without building is
/// checked: the build stage is the .NET SDK image of global.json's major version, every COPY source
/// exists, everything the published project's build reads is copied, and the entrypoint is the
/// assembly the project produces.
/// </summary>
public class DockerfileTests
{
    public static TheoryData<string, string> Images => new()
    {
        { "agent.Dockerfile", "agent/Ember.Agent/Ember.Agent.csproj" },
        { "bridge.Dockerfile", "otlp-bridge/Ember.Bridge/Ember.Bridge.csproj" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Builds_with_the_SDK_image_of_the_pinned_major_version(string dockerfile, string project)
    {
        var file = Dockerfile.Load(dockerfile);
        var sdkVersion = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("global.json"))).RootElement.GetProperty("sdk").GetProperty("version").GetString()!;
        var major = string.Join('.', sdkVersion.Split('.').Take(2));

        Assert.Equal($"mcr.microsoft.com/dotnet/sdk:{major}", file.BaseImages.First());
        Assert.All(file.BaseImages, image => Assert.StartsWith("mcr.microsoft.com/dotnet/", image, StringComparison.Ordinal));
        Assert.Contains(file.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains($"dotnet publish {project}", StringComparison.Ordinal));
    }

    public static TheoryData<string> Files => ["agent.Dockerfile", "bridge.Dockerfile"];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_COPY_source_exists_in_the_repository(string dockerfile)
    {
        var sources = Dockerfile.Load(dockerfile).ContextSources.ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.True(File.Exists(Repository.PathOf(s)) || Directory.Exists(Repository.PathOf(s)), $"{dockerfile}: COPY {s} does not exist"));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Copies_every_project_and_file_the_publish_reads(string dockerfile, string project)
    {
        var copied = Dockerfile.Load(dockerfile).ContextSources.Select(s => Repository.PathOf(s).TrimEnd('/')).ToList();
        var needed = MsBuildProject.Load(project).WithReferences()
            .SelectMany(p => p.FilesOutsideTheFolder().Prepend(p.Folder))
            .Concat(new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" }.Select(Repository.PathOf))
            .ToList();

        Assert.All(needed, path => Assert.True(
            copied.Any(c => path == c || path.StartsWith(c + "/", StringComparison.Ordinal)),
            $"{dockerfile}: {Repository.Relative(path)} is needed by the build but not copied"));
    }

    [Fact]
    public void The_agent_image_runs_the_native_AOT_ember_agent_on_runtime_deps()
    {
        var file = Dockerfile.Load("agent.Dockerfile");
        var project = MsBuildProject.Load("agent/Ember.Agent/Ember.Agent.csproj");

        Assert.Equal("true", project.Property("PublishAot"));
        Assert.StartsWith("mcr.microsoft.com/dotnet/runtime-deps:", file.BaseImages.Last(), StringComparison.Ordinal);
        var entrypoint = Assert.Single(file.Entrypoint);
        Assert.Equal(project.Property("AssemblyName"), Path.GetFileName(entrypoint));
        Assert.Contains(file.Instructions, i => i.Keyword == "COPY" && i.Arguments == $"--from=build /out/{project.Property("AssemblyName")} {entrypoint}");
        Assert.Contains(file.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("libbpf1", StringComparison.Ordinal));
    }

    [Fact]
    public void The_bridge_image_runs_ember_bridge_on_the_ASP_NET_Core_runtime_as_a_non_root_user()
    {
        var file = Dockerfile.Load("bridge.Dockerfile");
        var project = MsBuildProject.Load("otlp-bridge/Ember.Bridge/Ember.Bridge.csproj");

        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", file.BaseImages.Last(), StringComparison.Ordinal);
        Assert.Equal(["dotnet", $"/app/{project.Property("AssemblyName")}.dll"], file.Entrypoint);
        Assert.NotEqual("0", file.Instructions.Last(i => i.Keyword == "USER").Arguments);
    }
}
