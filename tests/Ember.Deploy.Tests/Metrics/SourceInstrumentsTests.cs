namespace Ember.Deploy.Tests.Metrics;

public class SourceInstrumentsTests
{
    [Fact]
    public void An_observable_instrument_takes_its_unit_after_the_callback_even_when_the_callback_holds_strings()
    {
        const string Code = """
            class M
            {
                void Create(System.Diagnostics.Metrics.Meter meter) =>
                    meter.CreateObservableCounter("a.dropped", () => new[] { new Measurement<long>(1, new("reason", "map_full")) }, "{sample}", "Drops.");
            }
            """;

        var found = Assert.Single(SourceInstruments.Find(Code, "M.cs"));

        Assert.Equal(new InstrumentDefinition("a.dropped", InstrumentKind.Counter, "{sample}", "M.cs:4"), found);
    }

    [Fact]
    public void Direct_instruments_take_the_unit_second_and_named_arguments_are_honoured()
    {
        const string Code = """
            class M
            {
                void Create(System.Diagnostics.Metrics.Meter meter)
                {
                    meter.CreateHistogram<double>("a.duration", "s", "Latency.");
                    meter.CreateGauge<long>(name: "a.size", description: "Size.", unit: "By");
                    meter.CreateUpDownCounter<int>("a.queue");
                }
            }
            """;

        var found = SourceInstruments.Find(Code, "M.cs").ToList();

        Assert.Equal(
            [
                new InstrumentDefinition("a.duration", InstrumentKind.Histogram, "s", "M.cs:5"),
                new InstrumentDefinition("a.size", InstrumentKind.Gauge, "By", "M.cs:6"),
                new InstrumentDefinition("a.queue", InstrumentKind.UpDownCounter, null, "M.cs:7"),
            ],
            found);
    }

    [Fact]
    public void A_name_that_is_not_a_literal_is_an_error_not_a_skip()
    {
        const string Code = """
            class M
            {
                const string Name = "a.b";
                void Create(System.Diagnostics.Metrics.Meter meter) => meter.CreateCounter<long>(Name, "{x}");
            }
            """;

        var error = Assert.Throws<InvalidOperationException>(() => SourceInstruments.Find(Code, "M.cs").ToList());
        Assert.Contains("M.cs:4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_agents_own_metrics_are_found_in_the_source()
    {
        var agent = SourceInstruments.All.Where(i => i.Name.StartsWith("ember.agent.", StringComparison.Ordinal)).ToList();

        Assert.Contains(new InstrumentDefinition("ember.agent.samples", InstrumentKind.Counter, "{sample}", agent.Single(i => i.Name == "ember.agent.samples").Source), agent);
        Assert.Contains(agent, i => i is { Name: "ember.agent.export.latency", Kind: InstrumentKind.Gauge, Unit: "s" });
        Assert.True(agent.Count >= 10, $"only {agent.Count} agent instruments found");
    }
}
