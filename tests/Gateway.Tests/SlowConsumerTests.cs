using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ChatApp.Gateway.Cluster;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A gateway with a small send queue, so that a client that stops reading fills it quickly.</summary>
public sealed class SmallQueueFixture() : ChatSystemFixture(new Dictionary<string, string> { ["Gateway:SendQueueLimit"] = "256" });

/// <summary>A client that stops reading is cut off with 1013 at a bounded backlog, and nobody else in its rooms waits for it.</summary>
public sealed class SlowConsumerTests(SmallQueueFixture fixture) : IClassFixture<SmallQueueFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task A_client_that_stops_reading_is_closed_with_1013_while_others_chat_on()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;

        // The stuck client: a raw socket that says hello and joins, then never reads again.
        var (name, token) = await System.RegisterAsync("stuck");
        using var stuck = new ClientWebSocket();
        using var tinyBuffers = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = ConnectWithTinyReceiveBuffer });
        await stuck.ConnectAsync(System.SocketUri, tinyBuffers, CancellationToken.None);
        await SendAsync(stuck, new { type = "hello", @ref = "h", token });
        await SendAsync(stuck, new { type = "join", @ref = "j", room });
        var cutOff = LooksAgainOnceCutOffAsync(await ServerSideAsync(System, name, room), stuck);

        // Large messages, sent without waiting for each answer, fill the kernel's buffers first and
        // then the gateway's queue for this socket, which holds 256 frames.
        var text = new string('x', 3900);
        var refs = Enumerable.Range(0, 1500).Select(i => $"big{i}").ToList();
        foreach (var reference in refs)
        {
            await alice.SendFrameAsync("send", reference, new { room, clientMsgId = reference, text });
        }
        // One room writes them one at a time: on a busy machine (CI's other lane) that takes a while.
        var flood = TimeSpan.FromMinutes(2);
        var last = (await alice.WaitForAnswerAsync(refs[^1], flood)).Ok<SendReply>().Seq;

        // Alice and Bob kept up all along: each has every event, in order.
        await alice.WaitForEventAsync(room, last, flood);
        await bob.WaitForEventAsync(room, last, flood);
        Assert.Equal(bob.Seqs(room).Order(), bob.Seqs(room));
        Assert.Null(alice.CloseStatus);
        Assert.Null(bob.CloseStatus);

        Assert.True(await cutOff, "the stuck client was never cut off");
        Assert.Equal((WebSocketCloseStatus)1013, stuck.CloseStatus);
    }

    /// <summary>The gateway's side of a raw client's socket, once it has said hello and follows the room.</summary>
    internal static async Task<ChatConnection> ServerSideAsync(ChatSystem system, string user, string room)
    {
        var index = system.GatewayServices.GetRequiredService<SocketIndex>();
        return (await Eventually.Until(
            () => Task.FromResult(index.ConnectionsOf(user).SingleOrDefault(c => index.IsFollowing(c, room))),
            connection => connection is not null, $"{user}'s socket following {room}"))!;
    }

    /// <summary>
    /// The stuck client looks again the moment the gateway gives up on it, and reads what was sent
    /// before the cut, then the close: true once it has the close frame. (A client that read nothing
    /// for <see cref="ChatConnection.ClosePatience"/> after that would be cut off without one.)
    /// </summary>
    internal static async Task<bool> LooksAgainOnceCutOffAsync(ChatConnection serverSide, ClientWebSocket stuck)
    {
        var givenUp = new TaskCompletionSource();
        using (serverSide.Closing.Register(() => givenUp.TrySetResult()))
        {
            if (await Task.WhenAny(givenUp.Task, Task.Delay(TimeSpan.FromMinutes(2))) != givenUp.Task)
            {
                return false;
            }
        }
        return await ClosedWithinAsync(stuck, TimeSpan.FromSeconds(20));
    }

    /// <summary>A client socket whose kernel receive buffer is small, so that not reading backs up quickly.</summary>
    internal static async ValueTask<Stream> ConnectWithTinyReceiveBuffer(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new global::System.Net.Sockets.Socket(global::System.Net.Sockets.SocketType.Stream, global::System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        return new global::System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
    }

    internal static Task SendAsync(ClientWebSocket socket, object frame) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Reads what is left (the client only now looks again) until the close frame or the deadline.</summary>
    internal static async Task<bool> ClosedWithinAsync(ClientWebSocket socket, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            return socket.CloseStatus is not null;
        }
    }
}

/// <summary>A gateway whose send queues hold at most 256 KiB, far fewer bytes than their 1,024 frames could weigh.</summary>
public sealed class SmallQueueBytesFixture() : ChatSystemFixture(new Dictionary<string, string> { ["Gateway:SendQueueBytes"] = "262144" });

/// <summary>The send queue is bounded in bytes as well as frames: a few long messages are a backlog too.</summary>
public sealed class SlowConsumerBytesTests(SmallQueueBytesFixture fixture) : IClassFixture<SmallQueueBytesFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task A_client_that_stops_reading_long_messages_is_closed_with_1013_long_before_its_queue_holds_1024_frames()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var (name, token) = await System.RegisterAsync("stuck");
        using var stuck = new ClientWebSocket();
        using var tinyBuffers = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = SlowConsumerTests.ConnectWithTinyReceiveBuffer });
        await stuck.ConnectAsync(System.SocketUri, tinyBuffers, CancellationToken.None);
        await SlowConsumerTests.SendAsync(stuck, new { type = "hello", @ref = "h", token });
        await SlowConsumerTests.SendAsync(stuck, new { type = "join", @ref = "j", room });
        var serverSide = await SlowConsumerTests.ServerSideAsync(System, name, room);
        var cutOff = SlowConsumerTests.LooksAgainOnceCutOffAsync(serverSide, stuck);

        // 300 messages of 4,000 four-byte characters, each sent once Alice has read the last (so
        // Alice, who reads, never has more than one waiting): several MB, enough to fill the
        // kernel's buffers and then the stuck client's 256 KiB queue, in far fewer than 1,024 frames.
        // Waiting for the answer alone was not enough: when this process stalled (a GC pause), the
        // events Alice had not yet been sent arrived at once and filled her own small queue too.
        var text = string.Concat(Enumerable.Repeat("\U0001F600", 4000));
        long last = 0;
        for (var i = 0; i < 300; i++)
        {
            last = await alice.SendAsync(room, text);
            await alice.WaitForEventAsync(room, last);
        }

        await alice.WaitForEventAsync(room, last);
        Assert.Null(alice.CloseStatus);
        Assert.True(await cutOff, "the stuck client was never cut off");
        Assert.Equal((WebSocketCloseStatus)1013, stuck.CloseStatus);
    }
}
