using System.Net.WebSockets;
using Xunit;

namespace ChatApp.Tests.Support;

/// <summary>
/// The chat steps tests repeat, spelled once over <see cref="ChatTestClient"/>: the common frames
/// and the checks on error frames. Each step fails the test when its answer is not a reply.
/// </summary>
public static class ChatSteps
{
    // How long a step waits before trying again after "unavailable", and how often it tries.
    private static readonly TimeSpan RetryAfterUnavailable = TimeSpan.FromMilliseconds(500);
    private const int TriesWhileUnavailable = 3;

    /// <summary>Joins (or creates) a room.</summary>
    public static async Task<JoinReply> JoinAsync(this ChatTestClient client, string room) =>
        (await client.RequestRetryingAsync("join", new { room })).Ok<JoinReply>();

    /// <summary>Sends a message and returns its seq.</summary>
    public static async Task<long> SendAsync(this ChatTestClient client, string room, string text, string? clientMsgId = null) =>
        (await client.RequestRetryingAsync("send", new { room, clientMsgId = clientMsgId ?? Fresh.MsgId(), text })).Ok<SendReply>().Seq;

    /// <summary>
    /// A request of a step that may go twice (a join, a send under its clientMsgId), tried again as
    /// a client of the protocol does when the answer is "unavailable": the cluster did not answer the
    /// gateway within its 5 s. The in-process silos of these tests stall for seconds now and then
    /// in a garbage collection (the process holds several systems); a test about unavailability
    /// sends its frames itself. The last answer is returned, whatever it is.
    /// </summary>
    private static async Task<AnswerFrame> RequestRetryingAsync(this ChatTestClient client, string type, object fields)
    {
        for (var tries = 1; ; tries++)
        {
            var answer = await client.RequestAsync(type, fields);
            if (tries == TriesWhileUnavailable || answer is not ErrorFrame { Code: "unavailable" })
            {
                return answer;
            }
            await Task.Delay(RetryAfterUnavailable); // retry, as the protocol's "retry shortly" asks
        }
    }

    /// <summary>
    /// Writes <paramref name="count"/> send frames back to back without awaiting replies, then
    /// collects their seqs in the order they were sent.
    /// </summary>
    public static async Task<long[]> SendBurstAsync(this ChatTestClient client, string room, int count)
    {
        var refs = Enumerable.Range(1, count).Select(_ => $"burst-{Guid.NewGuid():N}").ToList();
        foreach (var reference in refs)
        {
            await client.SendFrameAsync("send", reference, new { room, clientMsgId = reference, text = reference });
        }
        var seqs = new long[count];
        for (var i = 0; i < count; i++)
        {
            seqs[i] = (await client.WaitForAnswerAsync(refs[i])).Ok<SendReply>().Seq;
        }
        return seqs;
    }

    /// <summary>Sends a reply to the message <paramref name="replyTo"/> and returns its seq.</summary>
    public static async Task<long> ReplyAsync(this ChatTestClient client, string room, long replyTo, string text) =>
        (await client.RequestRetryingAsync("send", new { room, clientMsgId = Fresh.MsgId(), text, replyTo })).Ok<SendReply>().Seq;

    /// <summary>Reacts to a message with an emoji and returns the seq of the reaction event.</summary>
    public static async Task<long> ReactAsync(this ChatTestClient client, string room, long seq, string emoji) =>
        (await client.RequestAsync("react", new { room, seq, emoji })).Ok<ChangeReply>().Seq;

    /// <summary>Takes a reaction off a message and returns the seq of the unreaction event.</summary>
    public static async Task<long> UnreactAsync(this ChatTestClient client, string room, long seq, string emoji) =>
        (await client.RequestAsync("unreact", new { room, seq, emoji })).Ok<ChangeReply>().Seq;

    /// <summary>Deletes a message and returns the seq of the delete event.</summary>
    public static async Task<long> DeleteAsync(this ChatTestClient client, string room, long seq) =>
        (await client.RequestAsync("delete", new { room, seq })).Ok<ChangeReply>().Seq;

    /// <summary>A page of the room's messages before <paramref name="before"/> (the newest, without one).</summary>
    public static async Task<HistoryPage> HistoryAsync(this ChatTestClient client, string room, long before = long.MaxValue, int? limit = null) =>
        (await client.RequestAsync("history", new { room, before, limit })).Ok<HistoryPage>();

    /// <summary>The seqs of the room's events this client received, in arrival order.</summary>
    public static List<long> Seqs(this ChatTestClient client, string room) =>
        [.. client.Events(room).Select(e => e.Seq)];

    /// <summary>A second (third, …) connection of the same user, greeted, resuming where asked.</summary>
    public static Task<ChatTestClient> ConnectAgainAsync(this ChatSystem system, ChatTestClient user, object? resume = null) =>
        ChatTestClient.ConnectGreetedAsync(system.SocketUri, user.User, user.Token, resume);

    /// <summary>
    /// The set-up of most two-person tests: Alice and Bob connect, Alice joins a fresh room, then
    /// Bob; each gets an HTTP client with their token.
    /// </summary>
    public static async Task<TwoMembers> TwoMembersAsync(this ChatSystem system)
    {
        var alice = await system.ConnectNewUserAsync("alice");
        ChatTestClient? bob = null;
        try
        {
            bob = await system.ConnectNewUserAsync("bob");
            var room = Fresh.Room();
            await alice.JoinAsync(room);
            var bobJoinedAt = (await bob.JoinAsync(room)).LastSeq;
            return new TwoMembers(alice, bob, room, bobJoinedAt, system.Http(alice.Token), system.Http(bob.Token));
        }
        catch
        {
            if (bob is not null)
            {
                await bob.DisposeAsync();
            }
            await alice.DisposeAsync();
            throw;
        }
    }

    /// <summary>Asserts that a frame (an answer, say) is an error with this code and a message, and returns it.</summary>
    public static ErrorFrame AssertError(ServerFrame frame, string code)
    {
        var error = Assert.IsType<ErrorFrame>(frame);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrEmpty(error.Message));
        return error;
    }

    /// <summary>Waits for an error frame without a ref: the answer to a frame whose ref could not be read.</summary>
    public static Task<ErrorFrame> WaitForUnreferencedErrorAsync(this ChatTestClient client) =>
        client.WaitForAsync<ErrorFrame>(e => e.Ref is null);

    /// <summary>The socket still answers: a ping with a ref gets its reply.</summary>
    public static async Task AssertStillUsableAsync(this ChatTestClient client) =>
        (await client.RequestAsync("ping")).Ok();

    /// <summary>Waits until the server closed the socket and returns the status it gave.</summary>
    public static async Task<WebSocketCloseStatus?> ClosedWithAsync(this ChatTestClient client)
    {
        await client.Closed.WaitAsync(ChatTestClient.DefaultWait);
        return client.CloseStatus;
    }
}
