using System.Reflection;

namespace Ember.Deploy.Tests.Support;

/// <summary>The ember-agent and ember-bridge this test project's build produced (build dependencies of the project).</summary>
internal static class BuiltAgent
{
    /// <summary>Path of ember-agent.dll in the artifacts folder, as recorded at build time.</summary>
    public static string Dll => Recorded("EmberAgentDll");

    /// <summary>Path of ember-bridge.dll in the artifacts folder, as recorded at build time.</summary>
    public static string BridgeDll => Recorded("EmberBridgeDll");

    private static string Recorded(string key) => typeof(BuiltAgent).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;
}
