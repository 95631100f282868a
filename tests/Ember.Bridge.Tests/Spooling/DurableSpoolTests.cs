using System.Text;
using Ember.Bridge.Spooling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Bridge.Tests.Spooling;

/// <summary>The spool's promises: fsynced appends survive reopening, delivered records never come back, torn tails are cut, the bound holds.</summary>
public sealed class DurableSpoolTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-spool-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Records_come_back_in_order_and_acknowledged_ones_are_not_replayed_after_reopening()
    {
        using (var spool = Open())
        {
            foreach (var text in new[] { "one", "two", "three" })
            {
                spool.Append(Encoding.UTF8.GetBytes(text));
            }

            spool.Acknowledge(spool.ReadNext()!);
        }

        using var reopened = Open();
        Assert.Equal(["two", "three"], Drain(reopened));
        Assert.Null(reopened.ReadNext());
        Assert.Equal(0, reopened.PendingBytes);
    }

    [Fact]
    public void A_torn_tail_is_cut_off_and_later_appends_follow_the_intact_records()
    {
        using (var spool = Open())
        {
            spool.Append("intact"u8);
            spool.Append("torn-record-payload"u8);
        }

        var segment = Directory.GetFiles(_directory, "*.seg").Single();
        var length = new FileInfo(segment).Length;
        using (var file = File.OpenWrite(segment))
        {
            file.SetLength(length - 5); // the crash hit in the middle of the second record
        }

        using (var spool = Open())
        {
            spool.Append("after"u8);
            Assert.Equal(["intact", "after"], Drain(spool));
        }
    }

    [Fact]
    public void A_record_with_a_flipped_byte_is_detected_by_its_checksum_and_never_delivered()
    {
        using (var spool = Open())
        {
            spool.Append("good"u8);
            spool.Append("flipped"u8);
        }

        var segment = Directory.GetFiles(_directory, "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[^2] ^= 0x40;
        File.WriteAllBytes(segment, bytes);

        using var reopened = Open();
        Assert.Equal(["good"], Drain(reopened));
    }

    [Fact]
    public void Garbage_appended_after_the_last_record_is_cut_off()
    {
        using (var spool = Open())
        {
            spool.Append("kept"u8);
        }

        var segment = Directory.GetFiles(_directory, "*.seg").Single();
        using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write([0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3]); // an absurd length: a half-written header
        }

        using var reopened = Open();
        Assert.Equal(["kept"], Drain(reopened));
        Assert.Equal(8 + 8 + 4, new FileInfo(segment).Length);
    }

    [Fact]
    public void A_full_spool_refuses_appends_until_records_are_delivered()
    {
        using var spool = Open(maxBytes: 100);
        spool.Append(new byte[40]);
        spool.Append(new byte[40]);

        Assert.Throws<SpoolFullException>(() => spool.Append(new byte[40]));
        spool.Acknowledge(spool.ReadNext()!);
        spool.Append(new byte[40]);
    }

    [Fact]
    public void Segments_roll_over_and_delivered_ones_are_deleted()
    {
        using var spool = Open(maxBytes: 16L * 1024 * 1024); // segments of 1 MiB
        var payload = new byte[300 * 1024];
        for (var i = 0; i < 8; i++)
        {
            payload[0] = (byte)i;
            spool.Append(payload);
        }

        Assert.True(Directory.GetFiles(_directory, "*.seg").Length >= 2);
        var firsts = new List<byte>();
        while (spool.ReadNext() is { } record)
        {
            firsts.Add(record.Payload[0]);
            spool.Acknowledge(record);
        }

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], firsts);
        Assert.Single(Directory.GetFiles(_directory, "*.seg"));
    }

    [Fact]
    public void Set_aside_records_are_kept_in_the_rejected_file_and_not_replayed()
    {
        using (var spool = Open())
        {
            spool.Append("refused"u8);
            spool.Append("next"u8);
            spool.SetAside(spool.ReadNext()!);
            Assert.Contains("refused", File.ReadAllText(spool.RejectedPath), StringComparison.Ordinal);
        }

        using var reopened = Open();
        Assert.Equal(["next"], Drain(reopened));
    }

    private DurableSpool Open(long maxBytes = 1024 * 1024) => DurableSpool.Open(_directory, maxBytes, NullLogger.Instance);

    private static List<string> Drain(DurableSpool spool)
    {
        var texts = new List<string>();
        while (spool.ReadNext() is { } record)
        {
            texts.Add(Encoding.UTF8.GetString(record.Payload));
            spool.Acknowledge(record);
        }

        return texts;
    }
}
