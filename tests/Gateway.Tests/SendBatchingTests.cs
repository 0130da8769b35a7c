using System.Diagnostics;
using ChatApp.Gateway.Cluster;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
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

    [Fact]
    public async Task Sends_queued_behind_a_call_that_hangs_are_each_answered_unavailable_within_the_time_one_call_gets_and_are_stored_once_when_retried()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var before = await alice.SendAsync(room, "before");
        // An open transaction holds the room's next seq, so the room's insert waits on it, as on a
        // database that stopped answering: the gateway's call to the room hangs, the sends behind it queue.
        await using var holder = new NpgsqlConnection(System.Database.ConnectionString);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO messages (room, seq, sender, text, ts) VALUES ($1, $2, 'holder', '', now())", holder, hold))
        {
            insert.Parameters.Add(new() { Value = room });
            insert.Parameters.Add(new() { Value = before + 1 });
            await insert.ExecuteNonQueryAsync();
        }
        var ids = Enumerable.Range(1, 3).Select(_ => Fresh.MsgId()).ToList();

        foreach (var (id, n) in ids.Select((id, n) => (id, n)))
        {
            await alice.SendFrameAsync("send", $"held-{n}", new { room, clientMsgId = id, text = $"held {n}" });
        }
        // Each is answered when the gateway's 5 s for the cluster run out, all at about the same time:
        // the sends queued behind the hanging call do not wait for it to time out before their own
        // clock starts (that answered them 5 s apart, the last after 15 s, when a careful client
        // gives one frame 8). Their spread is the measure, since a loaded machine delays them all.
        var clock = Stopwatch.StartNew();
        var answers = new List<AnswerFrame>();
        var answeredAt = new List<TimeSpan>();
        foreach (var n in Enumerable.Range(0, ids.Count))
        {
            answers.Add(await alice.WaitForAnswerAsync($"held-{n}", TimeSpan.FromSeconds(30)));
            answeredAt.Add(clock.Elapsed);
        }
        Assert.All(answers, answer => Assert.Equal("unavailable", Assert.IsType<ErrorFrame>(answer).Code));
        Assert.True(answeredAt[^1] - answeredAt[0] < TimeSpan.FromSeconds(2.5),
            $"answered after {string.Join(", ", answeredAt.Select(t => $"{t.TotalSeconds:0.0} s"))}");

        await hold.RollbackAsync();
        var retried = new List<long>();
        foreach (var (id, n) in ids.Select((id, n) => (id, n)))
        {
            retried.Add(await alice.SendAsync(room, $"held {n}", clientMsgId: id));
        }

        // The first may have been stored after its answer (it was in the call that hung): its retry
        // is answered with its seq. Each is stored once, in order, with no gap.
        Assert.Equal([before + 1, before + 2, before + 3], retried);
        await bob.WaitForEventAsync(room, before + 3);
        Assert.Equal([before, before + 1, before + 2, before + 3], bob.Seqs(room).Where(seq => seq >= before));
    }
}
