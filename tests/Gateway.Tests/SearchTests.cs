using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>GET /api/search: PostgreSQL full-text search as a user would type it.</summary>
public sealed class SearchTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    private async Task<(ChatTestClient Client, string Room)> RoomWith(params string[] texts)
    {
        var client = await System.ConnectNewUserAsync("seeker");
        var room = Fresh.Room("search");
        await client.JoinAsync(room);
        foreach (var text in texts)
        {
            await client.SendAsync(room, text);
        }
        return (client, room);
    }

    private async Task<List<string>> Search(string token, string q, string? room = null)
    {
        using var http = System.Http(token);
        var url = $"/api/search?q={Uri.EscapeDataString(q)}" + (room is null ? "" : $"&room={room}");
        var response = await http.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.ReadAsync<SearchResults>()).Results.Select(r => r.Text)];
    }

    [Fact]
    public async Task English_words_match_their_inflections()
    {
        var (client, room) = await RoomWith("I was running late", "the cat sat");
        await using var _ = client;

        Assert.Equal(["I was running late"], await Search(client.Token, "run", room));
        Assert.Equal(["I was running late"], await Search(client.Token, "runs", room));
    }

    [Fact]
    public async Task Words_written_with_markdown_are_found_by_the_words_and_come_back_as_sent()
    {
        // The page renders a Markdown subset; PostgreSQL's parser reads its marks as spaces.
        string[] texts =
        [
            "**deploy** at _noon_",
            "~~cancelled~~ meeting",
            "see [the runbook](https://example.com/docs)",
            "> quoted wisdom",
            "- first item\n- second item",
            "run `kubectl` now",
            "```\nmake release\n```",
        ];
        var (client, room) = await RoomWith(texts);
        await using var _ = client;

        Assert.Equal([texts[0]], await Search(client.Token, "deploy", room));
        Assert.Equal([texts[0]], await Search(client.Token, "noon", room));
        Assert.Equal([texts[1]], await Search(client.Token, "cancelled", room));
        Assert.Equal([texts[2]], await Search(client.Token, "runbook", room));
        Assert.Equal([texts[3]], await Search(client.Token, "wisdom", room));
        Assert.Equal([texts[4]], await Search(client.Token, "second", room));
        Assert.Equal([texts[5]], await Search(client.Token, "kubectl", room));
        Assert.Equal([texts[6]], await Search(client.Token, "release", room));
    }

    [Fact]
    public async Task Phrases_exclusions_and_or_follow_web_search_syntax()
    {
        var (client, room) = await RoomWith("red apple pie", "apple red pie", "green pear");
        await using var _ = client;

        Assert.Equal(["red apple pie"], await Search(client.Token, "\"red apple\"", room));
        Assert.Equal(["green pear"], await Search(client.Token, "pear -apple", room));
        Assert.Equal(3, (await Search(client.Token, "apple or pear", room)).Count);
    }

    [Fact]
    public async Task Words_of_other_languages_match_exactly()
    {
        var (client, room) = await RoomWith("Привет мир", "こんにちは 世界", "Grüße aus Köln");
        await using var _ = client;

        Assert.Equal(["Привет мир"], await Search(client.Token, "мир", room));
        Assert.Equal(["Grüße aus Köln"], await Search(client.Token, "Köln", room));
    }

    [Fact]
    public async Task The_snippet_marks_the_matched_words()
    {
        var (client, room) = await RoomWith("please deploy the search service tonight");
        await using var _ = client;
        using var http = System.Http(client.Token);

        var body = await http.GetFromJsonAsync<SearchResults>($"/api/search?q=deploy&room={room}");

        var hit = body!.Results[0];
        Assert.Contains("«deploy»", hit.Snippet);
        Assert.Equal(room, hit.Room);
        Assert.Equal(client.User, hit.Sender);
    }

    [Fact]
    public async Task Tag_shaped_text_survives_in_the_snippet()
    {
        var (client, room) = await RoomWith("use <b>quokka</b> and a<c for the deploy");
        await using var _ = client;
        using var http = System.Http(client.Token);

        var body = await http.GetFromJsonAsync<SearchResults>($"/api/search?q=quokka&room={room}");

        var snippet = body!.Results[0].Snippet;
        Assert.Contains("<b>«quokka»</b> and a<c for the deploy", snippet);
    }

    [Fact]
    public async Task Deleted_messages_are_never_found_and_edits_are_searched_as_they_stand()
    {
        var (client, room) = await RoomWith("secret plan alpha", "typo in bravo");
        await using var _ = client;
        await client.DeleteAsync(room, 2);
        (await client.RequestAsync("edit", new { room, seq = 3, text = "fixed in charlie" })).Ok();

        Assert.Empty(await Search(client.Token, "alpha", room));
        Assert.Empty(await Search(client.Token, "bravo", room));
        Assert.Equal(["fixed in charlie"], await Search(client.Token, "charlie", room));
    }

    [Fact]
    public async Task Rooms_the_caller_does_not_belong_to_are_not_searched()
    {
        var (owner, room) = await RoomWith("only for members: zebra");
        await using var _ = owner;
        await using var stranger = await System.ConnectNewUserAsync("stranger");

        Assert.Empty(await Search(stranger.Token, "zebra"));
        using var http = System.Http(stranger.Token);
        var response = await http.GetAsync($"/api/search?q=zebra&room={room}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_room_every_room_of_the_caller_is_searched_and_the_best_match_comes_first()
    {
        var (client, first) = await RoomWith("one kiwi here", "nothing to see");
        await using var _ = client;
        var second = Fresh.Room("search");
        await client.JoinAsync(second);
        await client.SendAsync(second, "kiwi kiwi kiwi, all kiwi", clientMsgId: "k");

        Assert.Equal(["kiwi kiwi kiwi, all kiwi", "one kiwi here"], await Search(client.Token, "kiwi"));
        Assert.Equal(["one kiwi here"], await Search(client.Token, "kiwi", first));
    }

    [Fact]
    public async Task A_word_in_more_than_1000_messages_is_ranked_among_the_newest_1000_while_a_rare_one_is_found_however_old()
    {
        var (client, room) = await RoomWith("lemon lemon lemon lemon and one quince");
        await using var _ = client;
        // A thousand newer messages that each name the common word once; written straight to the
        // table, as sending them would take the rate limiter's minutes.
        await Sql.QueryAsync(System.Database.ConnectionString, """
            INSERT INTO messages (room, seq, sender, text, ts)
            SELECT $1, 1000 + n, 'filler', 'a lemon, number ' || n, now() + n * interval '1 millisecond'
            FROM generate_series(1, 1000) AS n
            """, room);

        var lemons = await Search(client.Token, "lemon", room);
        Assert.Equal(20, lemons.Count);
        Assert.All(lemons, text => Assert.StartsWith("a lemon, number ", text));
        Assert.Equal(["lemon lemon lemon lemon and one quince"], await Search(client.Token, "quince", room));
    }

    [Theory]
    [InlineData("'; DROP TABLE messages; --")]
    [InlineData("\\ % _ * ( ) & | ! : <-> \"")]
    [InlineData("-")]
    public async Task Sql_and_tsquery_metacharacters_are_answered_without_error(string q)
    {
        var (client, room) = await RoomWith("harmless text");
        await using var _ = client;

        await Search(client.Token, q, room);
        Assert.Equal(["harmless text"], await Search(client.Token, "harmless", room));
    }

    [Fact]
    public async Task A_query_of_256_characters_and_16_words_is_answered_and_a_longer_one_refused_as_validation()
    {
        var (client, room) = await RoomWith("needle");
        await using var _ = client;
        using var http = System.Http(client.Token);
        var longest = "needle " + new string('n', 249);
        var mostWords = string.Join(' ', Enumerable.Repeat("needle", 16));

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/search?q={Uri.EscapeDataString(longest)}&room={room}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/search?q={Uri.EscapeDataString(mostWords)}&room={room}")).StatusCode);
        await HttpSteps.AssertProblemAsync(await http.GetAsync($"/api/search?q={Uri.EscapeDataString(longest + "x")}&room={room}"), HttpStatusCode.BadRequest, "validation");
        await HttpSteps.AssertProblemAsync(await http.GetAsync($"/api/search?q={Uri.EscapeDataString(mostWords + " x")}&room={room}"), HttpStatusCode.BadRequest, "validation");
    }
}
