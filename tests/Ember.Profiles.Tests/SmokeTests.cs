namespace Ember.Profiles.Tests;

public class SmokeTests
{
    [Fact]
    public void Gzip_magic_is_detected()
    {
        Assert.True(Compression.PayloadDecoder.IsGzip([0x1F, 0x8B, 8]));
        Assert.False(Compression.PayloadDecoder.IsGzip([0x0A, 0x8B]));
    }
}
