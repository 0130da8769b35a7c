using ChatApp.Gateway.Cluster;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// A room's joins that arrive while the gateway's previous join call to it is in flight go together
/// in the next (<see cref="RoomJoinBatcher"/>): a reconnect storm into one room costs a call per
/// batch, and every joiner still follows the room from the seq its own reply shows.
/// </summary>
public sealed class JoinBatchingTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task Joins_of_many_sockets_to_one_room_share_calls_and_each_joiner_sees_every_event_after_its_reply()
    {
        var room = Fresh.Room();
        await using var owner = await System.ConnectNewUserAsync("owner");
        await owner.JoinAsync(room);
        var joiners = new List<ChatTestClient>();
        for (var i = 0; i < 16; i++)
        {
            joiners.Add(await System.ConnectNewUserAsync("storm"));
        }
        var batcher = System.GatewayServices.GetRequiredService<RoomJoinBatcher>();
        var callsBefore = batcher.Calls;

        var replies = await Task.WhenAll(joiners.Select(j => j.JoinAsync(room)));

        var calls = batcher.Calls - callsBefore;
        Assert.True(calls is > 0 and < 16, $"16 joins of one room took {calls} calls through the batcher");
        Assert.Equal(17, replies.Max(r => r.LastSeq));
        Assert.All(joiners.Zip(replies), pair => Assert.Contains(pair.Second.Room.Members, m => m.User == pair.First.User));
        var welcome = await owner.SendAsync(room, "welcome, all of you");
        // The owner saw every join after its own (seq 1), one seq after another; each joiner sees
        // everything after its reply.
        await owner.WaitForEventAsync(room, welcome);
        Assert.Equal(Enumerable.Range(2, 17).Select(n => (long)n), owner.Seqs(room));
        foreach (var (joiner, reply) in joiners.Zip(replies))
        {
            await joiner.WaitForEventAsync(room, welcome);
            Assert.Equal(Enumerable.Range((int)reply.LastSeq + 1, (int)(welcome - reply.LastSeq)).Select(n => (long)n), joiner.Seqs(room));
            await joiner.DisposeAsync();
        }
    }
}
