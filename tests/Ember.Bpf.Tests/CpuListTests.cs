namespace Ember.Bpf.Tests;

public sealed class CpuListTests
{
    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-3", new[] { 0, 1, 2, 3 })]
    [InlineData("0-3,5,7-8\n", new[] { 0, 1, 2, 3, 5, 7, 8 })]
    [InlineData("2,4", new[] { 2, 4 })]
    [InlineData("12-13", new[] { 12, 13 })]
    [InlineData("", new int[0])]
    [InlineData("\n", new int[0])]
    public void Kernel_cpu_lists_parse_to_every_cpu_id(string list, int[] expected) =>
        Assert.Equal(expected, CpuList.Parse(list));

    [Theory]
    [InlineData("3-1")]
    [InlineData("a")]
    [InlineData("1,,2")]
    [InlineData("-1")]
    [InlineData("0-")]
    [InlineData("1 2")]
    public void Malformed_cpu_lists_raise_a_format_exception_quoting_the_list(string list)
    {
        var exception = Assert.Throws<FormatException>(() => CpuList.Parse(list));
        Assert.Contains($"'{list}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Online_cpus_are_a_subset_of_possible_cpus()
    {
        var online = CpuList.ReadOnline();

        Assert.NotEmpty(online);
        Assert.Subset(CpuList.ReadPossible().ToHashSet(), online.ToHashSet());
        Assert.Equal(CpuList.ReadPossible().Count, CpuList.PossibleCount);
    }
}
