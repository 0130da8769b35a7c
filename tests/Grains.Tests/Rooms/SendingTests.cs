using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

public sealed class SendingTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Sends_are_numbered_after_the_joins_with_no_gaps()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        var grain = cluster.Room(room);

        Assert.Equal(1, (await grain.Join(alice)).LastSeq);
        var first = await grain.Send(alice, "a1", "hello");
        Assert.Equal(3, (await grain.Join(bob)).LastSeq);
        var second = await grain.Send(bob, "b1", "hi alice");
        var third = await grain.Send(alice, "a2", "how are you?");

        Assert.Equal([2L, 4L, 5L], new[] { first, second, third }.Select(s => s.Seq));
        Assert.All(new[] { first, second, third }, s => Assert.False(s.Repeated));
        var log = await cluster.Tables.EventsAsync(room);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], log.Select(e => e.Seq));
        Assert.Equal(
            [RoomEventKind.Join, RoomEventKind.Message, RoomEventKind.Join, RoomEventKind.Message, RoomEventKind.Message],
            log.Select(e => e.Kind));
        // The log's message events and the messages table tell the same story, down to the time acknowledged.
        Assert.Equal(
            log.Where(e => e.Kind == RoomEventKind.Message).Select(e => (e.Seq, e.Sender, e.ClientMsgId, e.Text, e.Ts)),
            (await cluster.Tables.MessagesAsync(room)).Select(m => (m.Seq, m.Sender, m.ClientMsgId, (string?)m.Text, m.Ts)));
        Assert.Equal(
            [(2L, first.Ts), (4L, second.Ts), (5L, third.Ts)],
            (await cluster.Tables.MessagesAsync(room)).Select(m => (m.Seq, m.Ts)));
        Assert.Equal(5, (await grain.GetState()).LastSeq);
    }

    [Fact]
    public async Task A_repeated_clientMsgId_returns_the_first_seq_and_stores_nothing()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        var grain = cluster.Room(room);
        await grain.Join(alice);
        var first = await grain.Send(alice, "retry-me", "once");
        var before = await cluster.Tables.CountAsync(room);

        var repeat = await grain.Send(alice, "retry-me", "once");
        var repeatWithOtherText = await grain.Send(alice, "retry-me", "twice?");

        Assert.Equal((first.Seq, first.Ts, true), (repeat.Seq, repeat.Ts, repeat.Repeated));
        Assert.Equal((first.Seq, first.Ts, true), (repeatWithOtherText.Seq, repeatWithOtherText.Ts, repeatWithOtherText.Repeated));
        Assert.Equal(before, await cluster.Tables.CountAsync(room));
        Assert.Equal("once", Assert.Single(await cluster.Tables.MessagesAsync(room)).Text);
        // The repeats used up no seq: the next new message follows the first without a gap.
        Assert.Equal(first.Seq + 1, (await grain.Send(alice, Fresh.MsgId(), "next")).Seq);
    }

    [Fact]
    public async Task The_same_clientMsgId_from_another_sender_is_another_message()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        var grain = cluster.Room(room);
        await grain.Join(alice);
        await grain.Join(bob);

        var fromAlice = await grain.Send(alice, "m1", "from alice");
        var fromBob = await grain.Send(bob, "m1", "from bob");

        Assert.Equal((3L, 4L), (fromAlice.Seq, fromBob.Seq));
        Assert.False(fromBob.Repeated);
    }

    public static TheoryData<string> InvalidTexts => new()
    {
        "",
        "   ",
        " \t\n ",
        new string('x', MessageRules.MaxTextLength + 1),
    };

    [Theory]
    [MemberData(nameof(InvalidTexts))]
    public async Task Text_that_is_empty_blank_or_too_long_is_refused_as_validation(string text)
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        await cluster.Room(room).Join(alice);

        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(room).Send(alice, Fresh.MsgId(), text));

        Assert.Equal(ErrorCodes.Validation, refused.Code);
        Assert.Equal((1L, 0L), await cluster.Tables.CountAsync(room));
    }

    [Fact]
    public async Task Text_of_exactly_the_limit_and_a_clientMsgId_of_64_characters_are_accepted()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        await cluster.Room(room).Join(alice);
        var text = new string('x', MessageRules.MaxTextLength);

        var sent = await cluster.Room(room).Send(alice, new string('c', MessageRules.MaxClientMsgIdLength), text);

        Assert.Equal(2, sent.Seq);
        Assert.Equal(text, Assert.Single(await cluster.Tables.MessagesAsync(room)).Text);
    }

    [Fact]
    public async Task Text_padded_past_16_KiB_is_refused_by_the_room_itself_though_it_trims_to_one_character()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        var grain = cluster.Room(room);
        await grain.Join(alice);
        var sent = await grain.Send(alice, Fresh.MsgId(), "keep me");
        var padded = "x" + new string(' ', MessageRules.MaxTextBytes);

        var send = await Assert.ThrowsAsync<ChatException>(() => grain.Send(alice, Fresh.MsgId(), padded));
        var edit = await Assert.ThrowsAsync<ChatException>(() => grain.Edit(alice, sent.Seq, padded));

        Assert.Equal((ErrorCodes.Validation, ErrorCodes.Validation), (send.Code, edit.Code));
        Assert.Equal((2L, 1L), await cluster.Tables.CountAsync(room));
        Assert.Equal("keep me", Assert.Single(await cluster.Tables.MessagesAsync(room)).Text);
    }

    [Fact]
    public async Task Text_of_exactly_16_KiB_with_its_padding_is_accepted_and_stored_as_sent()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        await cluster.Room(room).Join(alice);
        var text = "x" + new string(' ', MessageRules.MaxTextBytes - 1);

        await cluster.Room(room).Send(alice, Fresh.MsgId(), text);

        Assert.Equal(text, Assert.Single(await cluster.Tables.MessagesAsync(room)).Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("65")]
    public async Task A_clientMsgId_that_is_empty_or_longer_than_64_characters_is_refused_as_validation(string which)
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        await cluster.Room(room).Join(alice);
        var clientMsgId = which == "" ? "" : new string('c', MessageRules.MaxClientMsgIdLength + 1);

        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(room).Send(alice, clientMsgId, "hello"));

        Assert.Equal(ErrorCodes.Validation, refused.Code);
        Assert.Equal((1L, 0L), await cluster.Tables.CountAsync(room));
    }

    [Fact]
    public async Task A_non_member_sending_to_a_public_room_is_forbidden()
    {
        var (room, alice, mallory) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("mallory"));
        await cluster.Room(room).Join(alice);

        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(room).Send(mallory, Fresh.MsgId(), "let me in"));

        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
        Assert.Equal((1L, 0L), await cluster.Tables.CountAsync(room));
    }

    [Fact]
    public async Task Sending_to_an_unknown_room_is_not_found_and_creates_nothing()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));

        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(room).Send(alice, Fresh.MsgId(), "anyone?"));

        Assert.Equal(ErrorCodes.NotFound, refused.Code);
        Assert.False((await cluster.Room(room).GetState()).Exists);
        Assert.Equal((0L, 0L), await cluster.Tables.CountAsync(room));
    }
}
