using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// Random frames thrown at the gateway for a bounded time: mutations of well-formed frames and
/// plain garbage. Whatever the socket is sent, the gateway stays up, answers every ref it can
/// read, and well-formed frames still work afterwards on a fresh socket and on the old one.
/// </summary>
public sealed class FuzzTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    private static readonly string[] Types = ["hello", "join", "leave", "send", "edit", "delete", "typing", "read", "history", "ping", "nonsense", ""];
    private static readonly string[] Fields = ["room", "seq", "text", "clientMsgId", "before", "limit", "token", "resume", "ref", "type", "user"];

    private static JsonNode? RandomValue(Random random, int depth = 0) => random.Next(depth > 3 ? 6 : 8) switch
    {
        0 => null,
        1 => JsonValue.Create(random.NextInt64(long.MinValue, long.MaxValue)),
        2 => JsonValue.Create(random.NextDouble() * Math.Pow(10, random.Next(-5, 300))),
        3 => JsonValue.Create(random.Next(2) == 0),
        4 => JsonValue.Create(RandomText(random, random.Next(0, 80))),
        5 => JsonValue.Create(random.Next(0, 100)),
        6 => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1)).ToArray()),
        _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(i =>
            KeyValuePair.Create($"{Fields[random.Next(Fields.Length)]}{i}", RandomValue(random, depth + 1)))),
    };

    private static string RandomText(Random random, int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            // Any scalar value except surrogates, which alone are not valid UTF-8.
            var code = random.Next(4) == 0 ? random.Next(0x20, 0x7F) : random.Next(0, 0xD7FF);
            builder.Append((char)code);
        }
        return builder.ToString();
    }

    private static string RandomFrame(Random random, string room)
    {
        switch (random.Next(5))
        {
            case 0:
                return RandomText(random, random.Next(0, 200));
            case 1:
                return new string('{', random.Next(1, 100)) + "\"type\":";
            default:
                var frame = new JsonObject { ["type"] = Types[random.Next(Types.Length)], ["ref"] = $"f{random.Next(1_000_000)}" };
                if (random.Next(2) == 0)
                {
                    frame["room"] = random.Next(3) == 0 ? RandomText(random, 10) : room;
                }
                foreach (var field in Fields.Where(_ => random.Next(3) == 0))
                {
                    frame[field] = RandomValue(random);
                }
                return frame.ToJsonString();
        }
    }

    [Fact]
    public async Task Thousands_of_random_frames_leave_the_gateway_up_and_working()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var room = Fresh.Room("fuzz");
        await using var victim = await System.ConnectNewUserAsync("victim");
        await victim.JoinAsync(room);
        var client = await System.ConnectNewUserAsync("fuzzer");
        await client.JoinAsync(room);
        var sent = 0;
        var reconnects = 0;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(8);

        try
        {
            while (DateTime.UtcNow < until && sent < 5000)
            {
                if (client.CloseStatus is not null || client.Closed.IsCompleted)
                {
                    // A frame closed the socket (too big, say): a real client reconnects.
                    await client.DisposeAsync();
                    client = await System.ConnectAgainAsync(client);
                    reconnects++;
                }
                try
                {
                    await client.SendTextAsync(RandomFrame(random, room));
                    sent++;
                }
                catch (WebSocketException)
                {
                    // Closed under us; the loop reconnects.
                }
            }

            await using var fresh = await System.ConnectNewUserAsync("after");
            await fresh.AssertStillUsableAsync();
            await fresh.JoinAsync(room);
            var seq = await fresh.SendAsync(room, "still here");
            await victim.WaitForEventAsync(room, seq);
            Assert.True(sent > 500, $"only {sent} frames were sent (seed {seed})");
        }
        finally
        {
            await client.DisposeAsync();
        }
    }
}
