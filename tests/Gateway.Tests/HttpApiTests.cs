using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>The read side of the HTTP API: room lists, a room, message pages, and the health probes.</summary>
public sealed class HttpApiTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task Rooms_lists_public_rooms_to_everyone_and_the_callers_rooms_with_their_summary()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var (_, outsiderToken) = await System.RegisterAsync("outsider");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var seq = await alice.SendAsync(room, "hi");
        using var asMember = System.Http(alice.Token);
        using var asOutsider = System.Http(outsiderToken);

        var forMember = await asMember.GetFromJsonAsync<RoomSummary[]>("/api/rooms");
        var forOutsider = await asOutsider.GetFromJsonAsync<RoomSummary[]>("/api/rooms");

        foreach (var list in new[] { forMember!, forOutsider! })
        {
            var summary = list.Single(r => r.Id == room);
            Assert.Equal("", summary.Topic);
            Assert.Equal("public", summary.Visibility);
            Assert.Equal(1, summary.MemberCount);
            Assert.Equal(seq, summary.LastSeq);
            Assert.Equal(0, summary.Unread);
        }
    }

    [Fact]
    public async Task Rooms_lists_a_private_room_to_its_members_only()
    {
        var (_, ownerToken) = await System.RegisterAsync("owner");
        var (_, outsiderToken) = await System.RegisterAsync("outsider");
        var room = Fresh.Room("private");
        using var asOwner = System.Http(ownerToken);
        using var asOutsider = System.Http(outsiderToken);
        var created = await asOwner.PostAsJsonAsync("/api/rooms", new { id = room, visibility = "private", topic = "secret plans" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var forOwner = await asOwner.GetFromJsonAsync<RoomSummary[]>("/api/rooms");
        var forOutsider = await asOutsider.GetFromJsonAsync<RoomSummary[]>("/api/rooms");

        var summary = forOwner!.Single(r => r.Id == room);
        Assert.Equal("private", summary.Visibility);
        Assert.Equal("secret plans", summary.Topic);
        Assert.DoesNotContain(forOutsider!, r => r.Id == room);
        await HttpSteps.AssertProblemAsync(await asOutsider.GetAsync($"/api/rooms/{room}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Creating_a_taken_private_id_is_answered_exactly_as_a_taken_public_one()
    {
        var (_, ownerToken) = await System.RegisterAsync("owner");
        var (_, probeToken) = await System.RegisterAsync("prober");
        using var asOwner = System.Http(ownerToken);
        using var asProber = System.Http(probeToken);
        var (secret, open) = (Fresh.Room("private"), Fresh.Room("public"));
        Assert.Equal(HttpStatusCode.Created, (await asOwner.PostAsJsonAsync("/api/rooms", new { id = secret, visibility = "private" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await asOwner.PostAsJsonAsync("/api/rooms", new { id = open, visibility = "public" })).StatusCode);

        var onSecret = await asProber.PostAsJsonAsync("/api/rooms", new { id = secret, visibility = "private" });
        var onOpen = await asProber.PostAsJsonAsync("/api/rooms", new { id = open, visibility = "private" });

        Assert.Equal(HttpStatusCode.Conflict, onSecret.StatusCode);
        var (secretBody, openBody) = (await onSecret.Content.ReadFromJsonAsync<JsonElement>(), await onOpen.Content.ReadFromJsonAsync<JsonElement>());
        foreach (var field in new[] { "status", "code", "detail", "title", "type" })
        {
            Assert.Equal(openBody.TryGetProperty(field, out var o) ? o.ToString() : null, secretBody.TryGetProperty(field, out var s) ? s.ToString() : null);
        }
    }

    [Fact]
    public async Task A_private_room_created_without_an_id_gets_one_nobody_can_guess()
    {
        var (_, ownerToken) = await System.RegisterAsync("owner");
        var (_, outsiderToken) = await System.RegisterAsync("outsider");
        using var asOwner = System.Http(ownerToken);
        using var asOutsider = System.Http(outsiderToken);

        var first = await asOwner.PostAsJsonAsync("/api/rooms", new { visibility = "private", topic = "unlisted" });
        var second = await asOwner.PostAsJsonAsync("/api/rooms", new { visibility = "private" });
        var unnamedPublic = await asOwner.PostAsJsonAsync("/api/rooms", new { visibility = "public" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var other = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Matches("^p-[0-9a-f]{32}$", id);
        Assert.NotEqual(id, other);
        Assert.Equal(HttpStatusCode.OK, (await asOwner.GetAsync($"/api/rooms/{id}")).StatusCode);
        await HttpSteps.AssertProblemAsync(await asOutsider.GetAsync($"/api/rooms/{id}"), HttpStatusCode.NotFound, "not_found");
        await HttpSteps.AssertProblemAsync(unnamedPublic, HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Room_shows_its_owner_and_members_with_their_roles()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var http = pair.BobHttp;

        var response = await http.GetAsync($"/api/rooms/{room}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.ReadAsync<JsonElement>();
        var body = json.Deserialize<Room>(JsonSerializerOptions.Web)!;
        Assert.Equal(room, body.Id);
        Assert.Equal(alice.User, body.Owner);
        Assert.Equal(2, body.MemberCount);
        Assert.Equal(2, body.LastSeq);
        Assert.Equal(new Dictionary<string, string> { [alice.User] = "owner", [bob.User] = "member" }, body.Roles);
        // Every member's presence is told, online or not (a record would read a missing field as false).
        Assert.All(json.GetProperty("members").EnumerateArray(), m => Assert.True(m.TryGetProperty("online", out _)));
    }

    [Fact]
    public async Task Room_that_does_not_exist_is_404_not_found()
    {
        var (_, token) = await System.RegisterAsync("nobody");
        using var http = System.Http(token);

        var response = await http.GetAsync($"/api/rooms/{Fresh.Room()}");

        await HttpSteps.AssertProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Messages_before_a_seq_come_in_ascending_pages_that_say_whether_more_lie_before()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room); // seq 1 is the join
        for (var i = 1; i <= 5; i++)
        {
            await alice.SendAsync(room, $"message {i}"); // seqs 2..6
        }
        using var http = System.Http(alice.Token);

        var newest = await http.GetFromJsonAsync<HistoryPage>($"/api/rooms/{room}/messages?before=7&limit=3");
        var oldest = await http.GetFromJsonAsync<HistoryPage>($"/api/rooms/{room}/messages?before=4&limit=3");
        var all = await http.GetFromJsonAsync<HistoryPage>($"/api/rooms/{room}/messages");

        Assert.Equal([4, 5, 6], newest!.Seqs);
        Assert.True(newest.HasMore);
        Assert.Equal([2, 3], oldest!.Seqs);
        Assert.False(oldest.HasMore);
        Assert.Equal([2, 3, 4, 5, 6], all!.Seqs);
        Assert.False(all.HasMore);
        var first = all.Messages[0];
        Assert.Equal(room, first.Room);
        Assert.Equal(alice.User, first.Sender);
        Assert.Equal("message 1", first.Text);
        Assert.False(first.Deleted);
        Assert.NotEqual(default, first.Ts);
        Assert.NotNull(first.ClientMsgId);
    }

    [Fact]
    public async Task Messages_after_a_seq_come_in_ascending_pages_that_say_whether_more_lie_after()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        for (var i = 1; i <= 5; i++)
        {
            await alice.SendAsync(room, $"message {i}");
        }
        using var http = System.Http(alice.Token);

        var start = await http.GetFromJsonAsync<HistoryPage>($"/api/rooms/{room}/messages?after=0&limit=3");
        var rest = await http.GetFromJsonAsync<HistoryPage>($"/api/rooms/{room}/messages?after=4&limit=3");

        Assert.Equal([2, 3, 4], start!.Seqs);
        Assert.True(start.HasMore);
        Assert.Equal([5, 6], rest!.Seqs);
        Assert.False(rest.HasMore);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("before=5&after=1")]
    public async Task Messages_with_a_limit_outside_1_to_200_or_both_directions_are_400_validation(string query)
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        using var http = System.Http(alice.Token);

        var response = await http.GetAsync($"/api/rooms/{room}/messages?{query}");

        await HttpSteps.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(200)]
    public async Task Messages_accept_a_limit_of_1_or_200(int limit)
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await alice.SendAsync(room, "one");
        await alice.SendAsync(room, "two");
        using var http = System.Http(alice.Token);

        var response = await http.GetAsync($"/api/rooms/{room}/messages?limit={limit}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Math.Min(limit, 2), (await response.ReadAsync<HistoryPage>()).Messages.Count);
    }

    [Fact]
    public async Task Messages_of_a_public_room_are_refused_to_a_non_member()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var (_, outsiderToken) = await System.RegisterAsync("outsider");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await alice.SendAsync(room, "members only");
        using var http = System.Http(outsiderToken);

        var response = await http.GetAsync($"/api/rooms/{room}/messages");

        await HttpSteps.AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Messages_of_a_room_that_does_not_exist_are_404_not_found()
    {
        var (_, token) = await System.RegisterAsync("nobody");
        using var http = System.Http(token);

        var response = await http.GetAsync($"/api/rooms/{Fresh.Room()}/messages");

        await HttpSteps.AssertProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_probes_answer_200_when_the_system_is_up(string path)
    {
        using var http = System.Http();

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
