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

    private static List<long> SeqsOf(JsonElement page) =>
        page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToList();

    [Fact]
    public async Task Rooms_lists_public_rooms_to_everyone_and_the_callers_rooms_with_their_summary()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var (_, outsiderToken) = await System.RegisterAsync("outsider");
        var room = ChatSteps.NewRoom();
        await alice.JoinAsync(room);
        var seq = await alice.SendAsync(room, "hi");
        using var asMember = System.Http(alice.Token);
        using var asOutsider = System.Http(outsiderToken);

        var forMember = await (await asMember.GetAsync("/api/rooms")).ReadJsonAsync();
        var forOutsider = await (await asOutsider.GetAsync("/api/rooms")).ReadJsonAsync();

        foreach (var list in new[] { forMember, forOutsider })
        {
            var summary = list.EnumerateArray().Single(r => r.GetProperty("id").GetString() == room);
            Assert.Equal("", summary.GetProperty("topic").GetString());
            Assert.Equal("public", summary.GetProperty("visibility").GetString());
            Assert.Equal(1, summary.GetProperty("memberCount").GetInt32());
            Assert.Equal(seq, summary.GetProperty("lastSeq").GetInt64());
            Assert.Equal(0, summary.GetProperty("unread").GetInt64());
        }
    }

    [Fact]
    public async Task Rooms_lists_a_private_room_to_its_members_only()
    {
        var (_, ownerToken) = await System.RegisterAsync("owner");
        var (_, outsiderToken) = await System.RegisterAsync("outsider");
        var room = ChatSteps.NewRoom("private");
        using var asOwner = System.Http(ownerToken);
        using var asOutsider = System.Http(outsiderToken);
        var created = await asOwner.PostAsJsonAsync("/api/rooms", new { id = room, visibility = "private", topic = "secret plans" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var forOwner = await (await asOwner.GetAsync("/api/rooms")).ReadJsonAsync();
        var forOutsider = await (await asOutsider.GetAsync("/api/rooms")).ReadJsonAsync();

        var summary = forOwner.EnumerateArray().Single(r => r.GetProperty("id").GetString() == room);
        Assert.Equal("private", summary.GetProperty("visibility").GetString());
        Assert.Equal("secret plans", summary.GetProperty("topic").GetString());
        Assert.DoesNotContain(forOutsider.EnumerateArray(), r => r.GetProperty("id").GetString() == room);
        await ChatSteps.AssertProblemAsync(await asOutsider.GetAsync($"/api/rooms/{room}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Room_shows_its_owner_and_members_with_their_roles()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        var room = ChatSteps.NewRoom();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        using var http = System.Http(bob.Token);

        var response = await http.GetAsync($"/api/rooms/{room}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(room, body.GetProperty("id").GetString());
        Assert.Equal(alice.User, body.GetProperty("owner").GetString());
        Assert.Equal(2, body.GetProperty("memberCount").GetInt32());
        Assert.Equal(2, body.GetProperty("lastSeq").GetInt64());
        var roles = body.GetProperty("members").EnumerateArray()
            .ToDictionary(m => m.GetProperty("user").GetString()!, m => m.GetProperty("role").GetString());
        Assert.Equal(new Dictionary<string, string?> { [alice.User] = "owner", [bob.User] = "member" }, roles);
        Assert.All(body.GetProperty("members").EnumerateArray(), m => Assert.True(m.TryGetProperty("online", out _)));
    }

    [Fact]
    public async Task Room_that_does_not_exist_is_404_not_found()
    {
        var (_, token) = await System.RegisterAsync("nobody");
        using var http = System.Http(token);

        var response = await http.GetAsync($"/api/rooms/{ChatSteps.NewRoom()}");

        await ChatSteps.AssertProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Messages_before_a_seq_come_in_ascending_pages_that_say_whether_more_lie_before()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = ChatSteps.NewRoom();
        await alice.JoinAsync(room); // seq 1 is the join
        for (var i = 1; i <= 5; i++)
        {
            await alice.SendAsync(room, $"message {i}"); // seqs 2..6
        }
        using var http = System.Http(alice.Token);

        var newest = await (await http.GetAsync($"/api/rooms/{room}/messages?before=7&limit=3")).ReadJsonAsync();
        var oldest = await (await http.GetAsync($"/api/rooms/{room}/messages?before=4&limit=3")).ReadJsonAsync();
        var all = await (await http.GetAsync($"/api/rooms/{room}/messages")).ReadJsonAsync();

        Assert.Equal([4, 5, 6], SeqsOf(newest));
        Assert.True(newest.GetProperty("hasMore").GetBoolean());
        Assert.Equal([2, 3], SeqsOf(oldest));
        Assert.False(oldest.GetProperty("hasMore").GetBoolean());
        Assert.Equal([2, 3, 4, 5, 6], SeqsOf(all));
        Assert.False(all.GetProperty("hasMore").GetBoolean());
        var first = all.GetProperty("messages")[0];
        Assert.Equal(room, first.GetProperty("room").GetString());
        Assert.Equal(alice.User, first.GetProperty("sender").GetString());
        Assert.Equal("message 1", first.GetProperty("text").GetString());
        Assert.False(first.GetProperty("deleted").GetBoolean());
        Assert.True(first.TryGetProperty("ts", out _));
        Assert.True(first.TryGetProperty("clientMsgId", out _));
    }

    [Fact]
    public async Task Messages_after_a_seq_come_in_ascending_pages_that_say_whether_more_lie_after()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = ChatSteps.NewRoom();
        await alice.JoinAsync(room);
        for (var i = 1; i <= 5; i++)
        {
            await alice.SendAsync(room, $"message {i}");
        }
        using var http = System.Http(alice.Token);

        var start = await (await http.GetAsync($"/api/rooms/{room}/messages?after=0&limit=3")).ReadJsonAsync();
        var rest = await (await http.GetAsync($"/api/rooms/{room}/messages?after=4&limit=3")).ReadJsonAsync();

        Assert.Equal([2, 3, 4], SeqsOf(start));
        Assert.True(start.GetProperty("hasMore").GetBoolean());
        Assert.Equal([5, 6], SeqsOf(rest));
        Assert.False(rest.GetProperty("hasMore").GetBoolean());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("before=5&after=1")]
    public async Task Messages_with_a_limit_outside_1_to_200_or_both_directions_are_400_validation(string query)
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = ChatSteps.NewRoom();
        await alice.JoinAsync(room);
        using var http = System.Http(alice.Token);

        var response = await http.GetAsync($"/api/rooms/{room}/messages?{query}");

        await ChatSteps.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(200)]
    public async Task Messages_accept_a_limit_of_1_or_200(int limit)
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = ChatSteps.NewRoom();
        await alice.JoinAsync(room);
        await alice.SendAsync(room, "one");
        await alice.SendAsync(room, "two");
        using var http = System.Http(alice.Token);

        var response = await http.GetAsync($"/api/rooms/{room}/messages?limit={limit}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Math.Min(limit, 2), (await response.ReadJsonAsync()).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Messages_of_a_public_room_are_refused_to_a_non_member()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var (_, outsiderToken) = await System.RegisterAsync("outsider");
        var room = ChatSteps.NewRoom();
        await alice.JoinAsync(room);
        await alice.SendAsync(room, "members only");
        using var http = System.Http(outsiderToken);

        var response = await http.GetAsync($"/api/rooms/{room}/messages");

        await ChatSteps.AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Messages_of_a_room_that_does_not_exist_are_404_not_found()
    {
        var (_, token) = await System.RegisterAsync("nobody");
        using var http = System.Http(token);

        var response = await http.GetAsync($"/api/rooms/{ChatSteps.NewRoom()}/messages");

        await ChatSteps.AssertProblemAsync(response, HttpStatusCode.NotFound, "not_found");
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
