namespace Ember.Agent.Session;

/// <summary>Where a profiling session hands each finished window: the run command's export queue, the record command's file.</summary>
public interface IWindowOutput
{
    /// <summary>Takes the window; called on the session's loop, so it must not wait on the network.</summary>
    void Write(ProfileWindow window);
}
