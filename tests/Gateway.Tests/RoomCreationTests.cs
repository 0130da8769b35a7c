using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A system whose users may make only three rooms by joining, and one more a minute.</summary>
public sealed class TightCreationFixture() : ChatSystemFixture(gatewaySettings: null, siloSettings: new Dictionary<string, string>
{
    ["Limits:JoinCreatedRoomsBurst"] = Burst.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
    ["Limits:JoinCreatedRoomsPerMinute"] = "1",
})
{
    public const int Burst = 3;
}

/// <summary>
/// Rooms are made on purpose: joining made-up ids is rate limited, made-up ids never crowd real
/// rooms out of the list, an abandoned empty room is collected, and a frame naming a room the user
/// is not in is answered without waking that room.
/// </summary>
public sealed class RoomCreationTests(TightCreationFixture fixture) : IClassFixture<TightCreationFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task A_flood_of_joins_to_unused_ids_is_rate_limited_and_makes_no_room()
    {
        await using var flooder = await System.ConnectNewUserAsync("flood");
        for (var i = 0; i < TightCreationFixture.Burst; i++)
        {
            await flooder.JoinAsync(Fresh.Room("made"));
        }
        var refusedRoom = Fresh.Room("junk");

        var refused = ChatSteps.AssertError(await flooder.RequestAsync("join", new { room = refusedRoom.Value }), "rate_limited");

        Assert.True(refused.RetryAfterMs > 0);
        using var http = System.Http(flooder.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/rooms/{refusedRoom}")).StatusCode);
        // Joining a room that exists, and creating one on purpose, are not creations by join.
        await using var other = await System.ConnectNewUserAsync("other");
        var existing = Fresh.Room("real");
        await other.JoinAsync(existing);
        await flooder.JoinAsync(existing);
        var created = await http.PostAsJsonAsync("/api/rooms", new { id = Fresh.Room("meant").Value, visibility = "public" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task A_flood_of_one_member_rooms_does_not_hide_a_room_people_use_from_the_list()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        var real = Fresh.Room("zz-real");
        await alice.JoinAsync(real);
        await bob.JoinAsync(real);
        // What many flooders joining made-up ids would leave behind: more public rooms than the
        // list holds, each with its one maker, every id sorting before the real room's.
        await Sql.QueryAsync(System.Database.ConnectionString, """
            INSERT INTO rooms (id, visibility, owner) SELECT 'aaa-junk-' || g, 'public', 'junker' FROM generate_series(1, 600) g;
            INSERT INTO room_members (room, user_name, role) SELECT 'aaa-junk-' || g, 'junker', 'owner' FROM generate_series(1, 600) g;
            """);
        // The directory's list is what GET /api/rooms shows of public rooms (each then summarized by its grain).
        var directory = System.GatewayServices.GetRequiredService<IClusterClient>().GetGrain<ChatApp.Rooms.IRoomDirectoryGrain>(0);

        var listed = await directory.ListPublic(500);

        Assert.Equal(500, listed.Count);
        Assert.Contains(real.Value, listed);
    }

    [Fact]
    public async Task A_room_left_empty_without_a_message_is_collected_and_its_id_free_again()
    {
        await using var maker = await System.ConnectNewUserAsync("maker");
        await using var later = await System.ConnectNewUserAsync("later");
        var room = Fresh.Room("empty");
        await maker.JoinAsync(room);

        (await maker.RequestAsync("leave", new { room = room.Value })).Ok();

        using var http = System.Http(later.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/rooms/{room}")).StatusCode);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(System.Database.ConnectionString, "SELECT count(*) FROM rooms WHERE id = $1", room));
        var again = await later.JoinAsync(room);
        Assert.Equal(later.User, again.Room.Owner);
    }

    [Fact]
    public async Task A_room_with_a_message_stays_when_its_last_member_leaves()
    {
        await using var maker = await System.ConnectNewUserAsync("maker");
        var room = Fresh.Room("kept");
        await maker.JoinAsync(room);
        await maker.SendAsync(room, "something worth keeping");

        (await maker.RequestAsync("leave", new { room = room.Value })).Ok();

        using var http = System.Http(maker.Token);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/rooms/{room}")).StatusCode);
    }

    [Fact]
    public async Task A_frame_naming_a_room_the_user_is_not_in_is_not_found_without_waking_that_room()
    {
        await using var client = await System.ConnectNewUserAsync("prober");
        var madeUp = Fresh.Room("nowhere");

        ChatSteps.AssertError(await client.RequestAsync("send", new { room = madeUp.Value, clientMsgId = "x", text = "hi" }), "not_found");
        ChatSteps.AssertError(await client.RequestAsync("history", new { room = madeUp.Value, before = 10 }), "not_found");
        ChatSteps.AssertError(await client.RequestAsync("edit", new { room = madeUp.Value, seq = 1, text = "x" }), "not_found");
        ChatSteps.AssertError(await client.RequestAsync("delete", new { room = madeUp.Value, seq = 1 }), "not_found");
        ChatSteps.AssertError(await client.RequestAsync("leave", new { room = madeUp.Value }), "not_found");

        var management = System.GatewayServices.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var rooms = await management.GetActiveGrains(GrainType.Create("room"));
        Assert.DoesNotContain(rooms, id => id.Key.ToString() == madeUp.Value);
    }
}
