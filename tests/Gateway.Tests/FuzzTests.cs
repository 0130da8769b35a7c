using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// Random frames thrown at the gateway for a bounded time: mutations of well-formed frames, plain
/// garbage, strings holding lone surrogates, and now and then bytes that are not UTF-8. Whatever
/// the socket is sent, the gateway stays up, answers every frame whose ref it can read exactly
/// once on that ref, and well-formed frames still work afterwards on a fresh socket.
/// </summary>
public sealed class FuzzTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    private static readonly string[] Types = ["hello", "join", "leave", "send", "edit", "delete", "typing", "read", "history", "ping", "nonsense", ""];
    private static readonly string[] Fields = ["room", "seq", "text", "clientMsgId", "before", "limit", "token", "resume", "ref", "type", "user"];

    /// <summary>A random JSON value, as JSON text.</summary>
    private static string RandomValue(Random random, int depth = 0) => random.Next(depth > 3 ? 6 : 8) switch
    {
        0 => "null",
        1 => random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        2 => (random.NextDouble() * Math.Pow(10, random.Next(-5, 300))).ToString("R", CultureInfo.InvariantCulture),
        3 => random.Next(2) == 0 ? "true" : "false",
        4 => Quote(RandomText(random, random.Next(0, 80))),
        5 => random.Next(0, 100).ToString(CultureInfo.InvariantCulture),
        6 => "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1))) + "]",
        _ => "{" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(i =>
            $"{Quote(Fields[random.Next(Fields.Length)] + i)}:{RandomValue(random, depth + 1)}")) + "}",
    };

    /// <summary>Any UTF-16 code units, lone surrogates of either half included.</summary>
    private static string RandomText(Random random, int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            var code = random.Next(8) switch
            {
                0 => random.Next(0xD800, 0xE000),
                1 or 2 => random.Next(0x20, 0x7F),
                _ => random.Next(0, 0x10000),
            };
            builder.Append((char)code);
        }
        return builder.ToString();
    }

    /// <summary>A JSON string of any UTF-16, lone surrogates included: everything outside printable ASCII is escaped.</summary>
    private static string Quote(string text)
    {
        var builder = new StringBuilder("\"", text.Length + 2);
        foreach (var c in text)
        {
            builder.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c.ToString() : $"\\u{(int)c:x4}");
        }
        return builder.Append('"').ToString();
    }

    /// <summary>Whether the gateway can read the string back as a ref (the contract's 1 to 64 characters).</summary>
    private static bool IsReadableRef(string text) =>
        text.Length is >= 1 and <= 64 && IsValidUtf16(text);

    private static bool IsValidUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>One random frame, as UTF-8, and the ref the gateway must answer it on (null when it has none it can read).</summary>
    private static (byte[] Bytes, string? Ref) RandomFrame(Random random, string room, int number)
    {
        switch (random.Next(6))
        {
            case 0:
                // Garbage text: never a JSON object, so no ref to answer on.
                return (Encoding.UTF8.GetBytes(RandomText(random, random.Next(0, 200))), null);
            case 1:
                return (Encoding.UTF8.GetBytes(new string('{', random.Next(1, 100)) + "\"type\":"), null);
            default:
                var fields = new Dictionary<string, string>
                {
                    ["type"] = Quote(Types[random.Next(Types.Length)]),
                    ["ref"] = Quote($"f{number}"),
                };
                string? reference = $"f{number}";
                if (random.Next(2) == 0)
                {
                    fields["room"] = random.Next(3) == 0 ? Quote(RandomText(random, 10)) : Quote(room);
                }
                foreach (var field in Fields.Where(_ => random.Next(3) == 0))
                {
                    if (field == "ref")
                    {
                        var text = RandomText(random, random.Next(0, 70));
                        fields["ref"] = random.Next(4) == 0 ? RandomValue(random) : Quote(text);
                        reference = fields["ref"] == Quote(text) && IsReadableRef(text) ? text : null;
                    }
                    else
                    {
                        fields[field] = RandomValue(random);
                    }
                }
                var json = "{" + string.Join(",", fields.Select(f => $"{Quote(f.Key)}:{f.Value}")) + "}";
                return (Encoding.UTF8.GetBytes(json), reference);
        }
    }

    /// <summary>
    /// Frames are answered in the order they came: once a ping sent last is answered, every frame
    /// with a readable ref sent before it must have been answered, exactly once, and none as "unavailable". Returns
    /// how many refs were checked.
    /// </summary>
    private static async Task<int> AssertEveryRefAnsweredAsync(ChatTestClient client, List<string> refs, int seed)
    {
        var last = $"last-{Guid.NewGuid():N}";
        await client.SendFrameAsync("ping", last);
        await client.WaitForAnswerAsync(last);
        var answers = client.Frames.OfType<AnswerFrame>().Where(a => a.Ref is not null).GroupBy(a => a.Ref!).ToDictionary(g => g.Key, g => g.Count());
        // The cluster is up all along: no frame, however malformed, may be answered as if it were not.
        var unavailable = client.Frames.OfType<ErrorFrame>().FirstOrDefault(e => e.Code == "unavailable");
        Assert.True(unavailable is null, $"a frame was answered {unavailable} (seed {seed})");
        // A random ref may come up twice (a short one, "z" say): each frame that carried it is answered once.
        foreach (var sent in refs.GroupBy(r => r, StringComparer.Ordinal))
        {
            Assert.True(answers.GetValueOrDefault(sent.Key) == sent.Count(),
                $"ref '{Quote(sent.Key)}' was answered {answers.GetValueOrDefault(sent.Key)} times, not {sent.Count()} (seed {seed})");
        }
        return refs.Count;
    }

    [Fact]
    public async Task Thousands_of_random_frames_leave_the_gateway_up_and_every_readable_ref_answered_once()
    {
        // A failure names its seed; CHATAPP_FUZZ_SEED runs that seed again.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CHATAPP_FUZZ_SEED"), out var again) ? again : Environment.TickCount;
        var random = new Random(seed);
        var room = Fresh.Room("fuzz");
        await using var victim = await System.ConnectNewUserAsync("victim");
        await victim.JoinAsync(room);
        var client = await System.ConnectNewUserAsync("fuzzer");
        await client.JoinAsync(room);
        var refs = new List<string>();
        var (sent, checkedRefs, reconnects, surrogates) = (0, 0, 0, 0);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(8);

        try
        {
            while (DateTime.UtcNow < until && sent < 5000)
            {
                if (client.CloseStatus is not null || client.Closed.IsCompleted)
                {
                    // Bytes that are not UTF-8 close a socket (RFC 6455 requires it), and a real client reconnects.
                    await client.DisposeAsync();
                    client = await System.ConnectAgainAsync(client);
                    refs.Clear();
                    reconnects++;
                }
                try
                {
                    if (random.Next(300) == 0)
                    {
                        // This socket is about to close: check its answers first.
                        checkedRefs += await AssertEveryRefAnsweredAsync(client, refs, seed);
                        refs.Clear();
                        await client.SendBytesAsync([.. "{\"type\":\"ping\",\"x\":\""u8.ToArray(), 0xED, 0xA0, 0x80, .. "\"}"u8.ToArray()], WebSocketMessageType.Text);
                        await client.Closed.WaitAsync(ChatTestClient.DefaultWait);
                    }
                    else
                    {
                        var (bytes, reference) = RandomFrame(random, room, sent);
                        surrogates += Encoding.UTF8.GetString(bytes).Contains("\\ud", StringComparison.Ordinal) ? 1 : 0;
                        await client.SendBytesAsync(bytes, WebSocketMessageType.Text);
                        if (reference is not null)
                        {
                            refs.Add(reference);
                        }
                    }
                    sent++;
                }
                catch (WebSocketException)
                {
                    // Closed under us; the loop reconnects.
                }
            }
            if (client.CloseStatus is null && !client.Closed.IsCompleted)
            {
                checkedRefs += await AssertEveryRefAnsweredAsync(client, refs, seed);
            }

            await using var fresh = await System.ConnectNewUserAsync("after");
            await fresh.AssertStillUsableAsync();
            await fresh.JoinAsync(room);
            var seq = await fresh.SendAsync(room, "still here");
            await victim.WaitForEventAsync(room, seq);
            Assert.True(sent > 500, $"only {sent} frames were sent (seed {seed})");
            Assert.True(checkedRefs > 100, $"only {checkedRefs} refs were checked, over {reconnects} reconnects (seed {seed})");
            Assert.True(surrogates > 50, $"only {surrogates} frames escaped a surrogate (seed {seed})");
        }
        finally
        {
            await client.DisposeAsync();
        }
    }
}
