namespace Ember.Profiles.IO;

/// <summary>Writing profile files safely.</summary>
public static class ProfileFiles
{
    /// <summary>Writes beside the target and renames, so a failed run never leaves half a file.</summary>
    public static void WriteAtomically(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, full, overwrite: true);
    }
}
