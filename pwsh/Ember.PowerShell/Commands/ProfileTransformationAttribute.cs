using System.Management.Automation;
using Ember.Profiles;
using Ember.Profiles.IO;

namespace Ember.PowerShell.Commands;

/// <summary>
/// Lets profile parameters take a path or a <see cref="FileInfo"/> as well as an
/// <see cref="EmberProfile"/>: <c>Compare-Profile before.pb.gz after.pb.gz</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ProfileTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        ArgumentNullException.ThrowIfNull(engineIntrinsics);
        return inputData switch
        {
            PSObject { BaseObject: var inner } when inner is not PSCustomObject => Transform(engineIntrinsics, inner),
            object[] many => many.Select(item => Transform(engineIntrinsics, item)).ToArray(),
            EmberProfile profile => profile,
            FileInfo file => Load(file.FullName),
            string path => Load(engineIntrinsics.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)),
            _ => inputData,
        };
    }

    private static EmberProfile Load(string path)
    {
        try
        {
            return new EmberProfile(ProfileDocument.Load(path), path);
        }
        catch (Exception e) when (e is ProfileFormatException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentTransformationMetadataException($"cannot read the profile {path}: {e.Message}", e);
        }
    }
}
