using System.Collections.Concurrent;
using ChatApp.Storage;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Storage;

/// <summary>
/// Reads sharing round trips: those that come while one is out go together in the next, up to the
/// bound, each hears its own result, and a round trip that fails fails only its own reads.
/// </summary>
public sealed class SharedRoundTripsTests
{
    [Fact]
    public async Task Reads_that_come_while_one_is_out_go_together_in_the_next_up_to_the_bound()
    {
        var release = new TaskCompletionSource();
        var sizes = new ConcurrentQueue<int>();
        var reads = new SharedRoundTrips<int, int>(async batch =>
        {
            sizes.Enqueue(batch.Count);
            await release.Task;
            return [.. batch.Select(x => x * 10)];
        }, maxBatch: 4);

        var first = reads.Read(0);
        await Eventually.Until(() => !sizes.IsEmpty, "the first read out, alone");
        var rest = Enumerable.Range(1, 10).Select(reads.Read).ToArray();
        release.SetResult();

        Assert.Equal(0, await first);
        Assert.Equal(Enumerable.Range(1, 10).Select(x => x * 10), await Task.WhenAll(rest));
        Assert.Equal([1, 4, 4, 2], sizes);
        Assert.Equal(4, reads.RoundTrips);
    }

    [Fact]
    public async Task A_round_trip_that_fails_fails_each_of_its_reads_and_the_next_ones_go_on()
    {
        var down = true;
        var reads = new SharedRoundTrips<int, int>(async batch =>
        {
            await Task.Yield();
            return down ? throw new InvalidOperationException("the database is down") : [.. batch.Select(x => x * 10)];
        }, maxBatch: 8);

        var failures = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Record.ExceptionAsync(() => reads.Read(i))));
        Assert.All(failures, failure => Assert.IsType<InvalidOperationException>(failure));

        down = false;
        Assert.Equal(70, await reads.Read(7));
    }
}
