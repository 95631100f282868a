namespace Ember.PowerShell.DebugInfo;

/// <summary>The outcome of <c>Publish-DebugInfo</c> for one file.</summary>
/// <param name="Path">The file.</param>
/// <param name="BuildId">Its GNU build ID.</param>
/// <param name="Store">The debuginfo store.</param>
/// <param name="Status">Uploaded, or Skipped when the store already had it.</param>
/// <param name="Size">Bytes uploaded (0 when skipped).</param>
/// <param name="Reason">The store's reason for its decision.</param>
public sealed record DebugInfoUpload(string Path, string BuildId, string Store, string Status, long Size, string Reason);
