using ChatApp.Gateway.Cluster;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// A socket reads on while its sends commit, and a room's sends that arrive while its previous
/// call from the gateway is in flight go together in the next (<see cref="RoomSendBatcher"/>):
/// still every send gets its own reply or error, in the order it was sent.
/// </summary>
public sealed class SendBatchingTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task Sends_of_several_sockets_to_one_room_share_calls_and_each_socket_gets_its_seqs_in_the_order_it_sent()
    {
        var room = Fresh.Room();
        var members = new List<ChatTestClient>();
        for (var i = 0; i < 4; i++)
        {
            var member = await System.ConnectNewUserAsync("batch");
            await member.JoinAsync(room);
            members.Add(member);
        }
        var batcher = System.GatewayServices.GetRequiredService<RoomSendBatcher>();
        var callsBefore = batcher.Calls;

        var bursts = await Task.WhenAll(members.Select(m => m.SendBurstAsync(room, 8)));

        var calls = batcher.Calls - callsBefore;
        Assert.True(calls < 32, $"32 sends to one room took {calls} calls: none went together");
        Assert.All(bursts, seqs => Assert.Equal(seqs.Order(), seqs));
        var all = bursts.SelectMany(seqs => seqs).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 32).Select(n => all[0] + n), all);
        foreach (var member in members)
        {
            await member.WaitForEventAsync(room, all[^1]);
            Assert.Equal(all, member.Seqs(room).Where(seq => seq >= all[0]));
            await member.DisposeAsync();
        }
    }

    [Fact]
    public async Task Bad_sends_among_a_socket_s_pipelined_sends_get_their_own_errors_and_the_others_their_seqs()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var earlier = await alice.SendAsync(room, "before", clientMsgId: "kept");
        (string Ref, object Fields)[] frames =
        [
            ("one", new { room, clientMsgId = "n1", text = "one" }),
            ("reply-to-nothing", new { room, clientMsgId = "n2", text = "to nothing", replyTo = 999 }),
            ("repeat-of-earlier", new { room, clientMsgId = "kept", text = "before" }),
            ("two", new { room, clientMsgId = "n3", text = "two" }),
            ("repeat-of-two", new { room, clientMsgId = "n3", text = "two" }),
            ("blank", new { room, clientMsgId = "n4", text = "   " }),
            ("three", new { room, clientMsgId = "n5", text = "three" }),
        ];

        foreach (var (reference, fields) in frames)
        {
            await alice.SendFrameAsync("send", reference, fields);
        }
        var answers = await Task.WhenAll(frames.Select(f => alice.WaitForAnswerAsync(f.Ref)));

        Assert.Equal(earlier + 1, answers[0].Ok<SendReply>().Seq);
        Assert.Equal("not_found", Assert.IsType<ErrorFrame>(answers[1]).Code);
        Assert.Equal(earlier, answers[2].Ok<SendReply>().Seq);
        Assert.Equal(earlier + 2, answers[3].Ok<SendReply>().Seq);
        Assert.Equal(answers[3].Ok<SendReply>(), answers[4].Ok<SendReply>());
        Assert.Equal("validation", Assert.IsType<ErrorFrame>(answers[5]).Code);
        Assert.Equal(earlier + 3, answers[6].Ok<SendReply>().Seq);
        // Answered in the order sent, and stored once each: Bob sees them so, with no gap.
        var refs = frames.Select(f => f.Ref).ToHashSet();
        Assert.Equal(frames.Select(f => f.Ref), alice.Frames.OfType<AnswerFrame>().Select(a => a.Ref).Where(r => r is not null && refs.Contains(r)));
        await bob.WaitForEventAsync(room, earlier + 3);
        Assert.Equal([earlier, earlier + 1, earlier + 2, earlier + 3], bob.Seqs(room).Where(seq => seq >= earlier));
    }

    [Fact]
    public async Task A_frame_after_pipelined_sends_is_handled_once_they_are_stored()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, _, room) = pair;
        foreach (var n in Enumerable.Range(1, 5))
        {
            await alice.SendFrameAsync("send", $"send-{n}", new { room, clientMsgId = Fresh.MsgId(), text = $"message {n}" });
        }

        var page = await alice.HistoryAsync(room);

        Assert.Equal(Enumerable.Range(1, 5).Select(n => $"message {n}"), page.Messages.Select(m => m.Text));
    }
}
