using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A client that reconnects with <c>resume</c> gets exactly what it missed, in order, then live events.</summary>
public sealed class ResumeTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    private static IEnumerable<long> Range(long first, long last) =>
        Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + i);

    [Fact]
    public async Task Resume_replays_exactly_the_missed_events_in_order_then_live_ones()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var lastSeen = await bob.SendAsync(room, "before the tunnel");
        await alice.WaitForEventAsync(room, lastSeen);
        alice.Abort();

        var missed = await bob.SendBurstAsync(room, 30);
        var deleteSeq = await bob.DeleteAsync(room, missed[9]);
        await using var aliceAgain = await System.ConnectAgainAsync(alice, resume: new Dictionary<string, long> { [room] = lastSeen });
        var live = await bob.SendAsync(room, "welcome back");

        await aliceAgain.WaitForEventAsync(room, live);
        Assert.Equal(Range(lastSeen + 1, live), aliceAgain.Seqs(room));
        Assert.Equal(lastSeen + 31, deleteSeq);
        var deleted = aliceAgain.Events(room).Single(e => e.Seq == deleteSeq);
        Assert.Equal("delete", deleted.Kind);
        Assert.Equal(missed[9], deleted.Target);
        // The replay follows the hello reply, never precedes it.
        Assert.IsType<ReplyFrame>(aliceAgain.Frames[0]);
    }

    [Fact]
    public async Task Resume_from_the_last_seq_replays_nothing_and_delivers_live_events()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var lastSeen = await bob.SendAsync(room, "seen");
        await alice.WaitForEventAsync(room, lastSeen);
        await alice.CloseAsync();

        await using var aliceAgain = await System.ConnectAgainAsync(alice, resume: new Dictionary<string, long> { [room] = lastSeen });
        var live = await bob.SendAsync(room, "new");

        await aliceAgain.WaitForEventAsync(room, live);
        Assert.Equal([live], aliceAgain.Seqs(room));
    }

    [Fact]
    public async Task Resume_with_more_than_500_missed_events_sends_resync_with_the_rooms_last_seq()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var lastSeen = pair.BobJoinedAt;
        await alice.WaitForEventAsync(room, lastSeen);
        alice.Abort();

        var lastSeq = 0L;
        for (var sent = 0; sent < 510; sent += 102)
        {
            lastSeq = (await bob.SendBurstAsync(room, 102)).Max();
        }
        Assert.Equal(lastSeen + 510, lastSeq);
        await using var aliceAgain = await System.ConnectAgainAsync(alice, resume: new Dictionary<string, long> { [room] = lastSeen });
        var resync = await aliceAgain.WaitForAsync<ResyncFrame>();
        var live = await bob.SendAsync(room, "after the resync");

        Assert.Equal(room, resync.Room);
        Assert.Equal(lastSeq, resync.LastSeq);
        await aliceAgain.WaitForEventAsync(room, live);
        Assert.Equal([live], aliceAgain.Seqs(room));
    }
}
