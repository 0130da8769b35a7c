using ChatApp.Streaming;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using System.Diagnostics;
using Orleans.Runtime;
using Xunit;

namespace ChatApp.Tests.Grains.Streaming;

/// <summary>
/// A chat queue between the rooms and the pulling agent that owns it. Agents come and go as
/// silos join and leave; a batch leaves the queue only when the reader that was handed it says so,
/// and the queue follows its reader to the reader's silo.
/// </summary>
public sealed class ChatQueueTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan NoWait = TimeSpan.Zero;

    [Fact]
    public async Task A_read_left_waiting_by_a_reader_that_stopped_loses_nothing_to_the_next_reader()
    {
        var (queue, home) = await NewQueueAsync();
        // The old agent's last read, still waiting when its queue moved to another silo.
        var abandoned = queue.Read(Guid.Empty, -1, 10, TimeSpan.FromSeconds(10), home);

        await queue.Enqueue(Batch("hello"));
        Assert.Single((await abandoned).Batches);

        var next = await queue.Read(Guid.Empty, -1, 10, NoWait, home);
        Assert.Equal(["hello"], next.Batches.SelectMany(b => b.Events));
    }

    [Fact]
    public async Task A_batch_is_read_until_its_reader_says_it_took_it_and_then_never_again()
    {
        var (queue, home) = await NewQueueAsync();
        await queue.Enqueue(Batch("one"));
        await queue.Enqueue(Batch("two"));

        var first = await queue.Read(Guid.Empty, -1, 1, NoWait, home);
        var again = await queue.Read(Guid.Empty, -1, 10, NoWait, home);
        var rest = await queue.Read(first.Activation, first.Batches[^1].Sequence, 10, NoWait, home);
        var after = await queue.Read(rest.Activation, rest.Batches[^1].Sequence, 10, NoWait, home);

        Assert.Equal(["one"], first.Batches.SelectMany(b => b.Events));
        Assert.Equal(["one", "two"], again.Batches.SelectMany(b => b.Events));
        Assert.Equal(["two"], rest.Batches.SelectMany(b => b.Events));
        Assert.Empty(after.Batches);
    }

    [Fact]
    public async Task A_mark_from_another_activation_of_the_queue_forgets_nothing()
    {
        var (queue, home) = await NewQueueAsync();
        await queue.Enqueue(Batch("kept"));

        // Sequences start again in a new activation: a reader's old mark must not skip them.
        var read = await queue.Read(Guid.NewGuid(), long.MaxValue, 10, NoWait, home);

        Assert.Equal(["kept"], read.Batches.SelectMany(b => b.Events));
    }

    [Fact]
    public async Task A_queue_that_comes_back_in_a_new_activation_places_every_batch_after_those_of_the_old_one()
    {
        var (queue, home) = await NewQueueAsync();
        for (var i = 0; i < 50; i++)
        {
            await queue.Enqueue(Batch($"before {i}"));
        }
        var before = await queue.Read(Guid.Empty, -1, 100, NoWait, home);

        // The queue's activation goes away, as it does with its silo; the next call makes a new one.
        await Management.ForceActivationCollection(TimeSpan.Zero);
        await queue.Enqueue(Batch("after"));
        home = await SettleAsync(queue, home);
        var after = await queue.Read(Guid.Empty, -1, 100, NoWait, home);

        Assert.NotEqual(before.Activation, after.Activation);
        // Each consumer remembers the last place it was given: one counted from 0 again would keep
        // its stream silent until the new activation had carried as many batches again.
        Assert.True(after.Batches.Single().Sequence > before.Batches[^1].Sequence,
            $"placed at {after.Batches.Single().Sequence}, after {before.Batches[^1].Sequence} in the old activation");
    }

    [Fact]
    public async Task A_queue_read_from_another_silo_moves_there_with_its_batches_and_the_readers_mark()
    {
        var (queue, home) = await NewQueueAsync();
        var away = await OtherSiloThan(home);
        await queue.Enqueue(Batch("one"));
        await queue.Enqueue(Batch("two"));
        var first = await queue.Read(Guid.Empty, -1, 1, NoWait, home);

        // The queue's agent now runs on the other silo, as after a silo joined.
        await queue.Read(first.Activation, first.Batches[^1].Sequence, 10, NoWait, away);
        await Eventually.Until(async () => away.Equals(await Management.GetActivationAddress(queue)), "the queue on its reader's silo");

        await queue.Enqueue(Batch("three"));
        var moved = await queue.Read(first.Activation, first.Batches[^1].Sequence, 10, NoWait, away);
        Assert.Equal(first.Activation, moved.Activation);
        Assert.Equal(["two", "three"], moved.Batches.SelectMany(b => b.Events));
        Assert.True(moved.Batches[^1].Sequence > moved.Batches[0].Sequence, "a place was given twice across the move");
    }

    [Fact]
    public async Task An_empty_queue_read_from_another_silo_answers_at_once_instead_of_waiting_there()
    {
        var (queue, home) = await NewQueueAsync();

        var asked = Stopwatch.StartNew();
        var read = await queue.Read(Guid.Empty, -1, 10, TimeSpan.FromSeconds(10), await OtherSiloThan(home));

        Assert.Empty(read.Batches);
        Assert.True(asked.Elapsed < TimeSpan.FromSeconds(5), $"the read waited {asked.Elapsed.TotalSeconds:0.0} s in a queue on its way to another silo");
    }

    private IManagementGrain Management => cluster.Client.GetGrain<IManagementGrain>(0);

    private async Task<SiloAddress> OtherSiloThan(SiloAddress silo) =>
        (await Management.GetHosts(onlyActive: true)).Keys.First(other => !other.Equals(silo));

    /// <summary>A fresh queue and the silo it lives on, which the tests read it from as its agent would.</summary>
    private async Task<(IChatQueueGrain Queue, SiloAddress Home)> NewQueueAsync()
    {
        var queue = cluster.Client.GetGrain<IChatQueueGrain>($"test-queue-{Guid.NewGuid():N}");
        var home = (await Management.GetHosts(onlyActive: true)).Keys.First();
        return (queue, await SettleAsync(queue, home));
    }

    /// <summary>Reads the queue once from <paramref name="reader"/>, and waits until it lives there.</summary>
    private async Task<SiloAddress> SettleAsync(IChatQueueGrain queue, SiloAddress reader)
    {
        await queue.Read(Guid.Empty, long.MinValue, 0, NoWait, reader);
        await Eventually.Until(() => Management.GetActivationAddress(queue).AsTask(), at => reader.Equals(at), $"the queue on its reader's silo {reader}");
        return reader;
    }

    private static ChatQueueBatch Batch(string text) =>
        new(StreamId.Create("tests", Guid.NewGuid().ToString("N")), [text], null, -1);
}
