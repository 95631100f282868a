namespace Ember.TestSupport;

/// <summary>Waits for something another thread or process does, polling every 100 ms; the deadline only bounds a hang.</summary>
public static class Eventually
{
    /// <summary>How long a wait may take before it fails the test.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Returns once <paramref name="condition"/> holds.</summary>
    /// <exception cref="TimeoutException">It did not within <see cref="Deadline"/>; the message names <paramref name="what"/>.</exception>
    public static async Task HoldsAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"timed out after {Deadline.TotalSeconds} s waiting until {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
