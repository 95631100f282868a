using System.Reflection;

namespace Ember.Deploy.Tests.Support;

/// <summary>The ember-agent this test project's build produced (a build dependency of the project).</summary>
internal static class BuiltAgent
{
    /// <summary>Path of ember-agent.dll in the artifacts folder, as recorded at build time.</summary>
    public static string Dll => typeof(BuiltAgent).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "EmberAgentDll").Value!;
}
