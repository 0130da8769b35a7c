using ChatApp.Streaming;
using ChatApp.Tests.Grains.Support;
using Orleans.Runtime;
using Xunit;

namespace ChatApp.Tests.Grains.Streaming;

/// <summary>
/// A chat queue between the rooms and the pulling agent that owns it. Agents come and go as
/// silos join and leave; a batch leaves the queue only when the reader that was handed it says so.
/// </summary>
public sealed class ChatQueueTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan NoWait = TimeSpan.Zero;

    [Fact]
    public async Task A_read_left_waiting_by_a_reader_that_stopped_loses_nothing_to_the_next_reader()
    {
        var queue = NewQueue();
        // The old agent's last read, still waiting when its queue moved to another silo.
        var abandoned = queue.Read(Guid.Empty, -1, 10, TimeSpan.FromSeconds(10));

        await queue.Enqueue(Batch("hello"));
        Assert.Single((await abandoned).Batches);

        var next = await queue.Read(Guid.Empty, -1, 10, NoWait);
        Assert.Equal(["hello"], next.Batches.SelectMany(b => b.Events));
    }

    [Fact]
    public async Task A_batch_is_read_until_its_reader_says_it_took_it_and_then_never_again()
    {
        var queue = NewQueue();
        await queue.Enqueue(Batch("one"));
        await queue.Enqueue(Batch("two"));

        var first = await queue.Read(Guid.Empty, -1, 1, NoWait);
        var again = await queue.Read(Guid.Empty, -1, 10, NoWait);
        var rest = await queue.Read(first.Activation, first.Batches[^1].Sequence, 10, NoWait);
        var after = await queue.Read(rest.Activation, rest.Batches[^1].Sequence, 10, NoWait);

        Assert.Equal(["one"], first.Batches.SelectMany(b => b.Events));
        Assert.Equal(["one", "two"], again.Batches.SelectMany(b => b.Events));
        Assert.Equal(["two"], rest.Batches.SelectMany(b => b.Events));
        Assert.Empty(after.Batches);
    }

    [Fact]
    public async Task A_mark_from_another_activation_of_the_queue_forgets_nothing()
    {
        var queue = NewQueue();
        await queue.Enqueue(Batch("kept"));

        // Sequences start again in a new activation: a reader's old mark must not skip them.
        var read = await queue.Read(Guid.NewGuid(), long.MaxValue, 10, NoWait);

        Assert.Equal(["kept"], read.Batches.SelectMany(b => b.Events));
    }

    [Fact]
    public async Task A_queue_that_comes_back_in_a_new_activation_places_every_batch_after_those_of_the_old_one()
    {
        var queue = NewQueue();
        for (var i = 0; i < 50; i++)
        {
            await queue.Enqueue(Batch($"before {i}"));
        }
        var before = await queue.Read(Guid.Empty, -1, 100, NoWait);

        // The queue's activation goes away, as it does with its silo; the next call makes a new one.
        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await queue.Enqueue(Batch("after"));
        var after = await queue.Read(Guid.Empty, -1, 100, NoWait);

        Assert.NotEqual(before.Activation, after.Activation);
        // Each consumer remembers the last place it was given: one counted from 0 again would keep
        // its stream silent until the new activation had carried as many batches again.
        Assert.True(after.Batches.Single().Sequence > before.Batches[^1].Sequence,
            $"placed at {after.Batches.Single().Sequence}, after {before.Batches[^1].Sequence} in the old activation");
    }

    private IChatQueueGrain NewQueue() => cluster.Client.GetGrain<IChatQueueGrain>($"test-queue-{Guid.NewGuid():N}");

    private static ChatQueueBatch Batch(string text) =>
        new(StreamId.Create("tests", Guid.NewGuid().ToString("N")), [text], null, -1);
}
