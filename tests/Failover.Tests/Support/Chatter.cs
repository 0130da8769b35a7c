using System.Diagnostics;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// One user chatting in one room the way a careful client does when servers fail: a send that
/// gets <c>unavailable</c>, no answer, or a dead socket is retried with the same clientMsgId; a
/// socket that closes is replaced by a new one (on whichever gateway <see cref="_gateway"/> names
/// now) that says hello with <c>resume</c> from the last event seen; a <c>resync</c> is answered as
/// the contract says, by reloading the room's messages up to its seq through history. Everything it
/// was shown is kept, across sockets, so a test can compare it with the log.
/// </summary>
public sealed class Chatter : IAsyncDisposable
{
    /// <summary>How long one attempt waits for its answer: longer than the gateway gives the cluster (5 s), so the gateway's <c>unavailable</c> normally comes first.</summary>
    public static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(8);

    // A real client's pause before it tries again after "unavailable": the retry pace is part of the
    // client these tests act out, not a wait for something to happen.
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(100);

    private readonly Func<Uri> _gateway;
    private readonly List<EventFrame> _events = [];
    private readonly Dictionary<string, long> _acked = [];
    private readonly List<SendRecord> _sends = [];
    private readonly List<string> _otherErrors = [];
    private readonly List<long> _refusals = [];
    private readonly List<long> _troubleAt = [];
    private readonly Lock _gate = new();
    private GatewayRing? _ring;
    private ChatTestClient? _socket;
    private int _harvested;
    private int _refs;

    private Chatter(Func<Uri> gateway, string user, string token, string room)
    {
        _gateway = gateway;
        User = user;
        Token = token;
        Room = room;
    }

    public string User { get; }
    public string Token { get; }
    public string Room { get; }

    /// <summary>The seq of the room's event at which this chatter started following it (its own join).</summary>
    public long JoinedAt { get; private set; }

    /// <summary>The newest seq of the room delivered to this chatter, on any of its sockets.</summary>
    public long LastSeen { get; private set; }

    public int Unavailable { get; private set; }
    public int Timeouts { get; private set; }
    public int Reconnects { get; private set; }
    public int Resyncs { get; private set; }

    /// <summary>Messages this chatter read through history because a <c>resync</c> told it to.</summary>
    public int Reloaded { get; private set; }

    /// <summary>Refusals other than <c>unavailable</c>: a failover must produce none.</summary>
    public IReadOnlyList<string> OtherErrors
    {
        get { lock (_gate) { return [.. _otherErrors]; } }
    }

    /// <summary>When (Stopwatch timestamps) each attempt to send was answered <c>unavailable</c> or not at all, in order.</summary>
    public IReadOnlyList<long> Refusals
    {
        get { lock (_gate) { return [.. _refusals]; } }
    }

    /// <summary>Every acknowledged clientMsgId and the seq its reply named.</summary>
    public IReadOnlyDictionary<string, long> Acked
    {
        get { lock (_gate) { return new Dictionary<string, long>(_acked); } }
    }

    /// <summary>Every send, with when it was first tried and when it was acknowledged (Stopwatch timestamps).</summary>
    public IReadOnlyList<SendRecord> Sends
    {
        get { lock (_gate) { return [.. _sends]; } }
    }

    /// <summary>How many times this chatter moved on to another gateway of its ring.</summary>
    public int Moves => _ring?.Moves ?? 0;

    /// <summary>
    /// When this chatter was told of trouble (Stopwatch timestamps): each <c>unavailable</c> answer to a
    /// send, hello or join, and each socket found closed. A send left without any answer is not
    /// here but in <see cref="Timeouts"/>.
    /// </summary>
    public IReadOnlyList<long> TroubleAt
    {
        get { lock (_gate) { return [.. _troubleAt]; } }
    }

    /// <summary>Every event of the room this chatter was shown, in the order it came, across all its sockets and reloads.</summary>
    public IReadOnlyList<EventFrame> Events
    {
        get { lock (_gate) { return [.. _events]; } }
    }

    /// <summary>Connects, says hello and joins the room (making it if it is new).</summary>
    public static async Task<Chatter> JoinAsync(Func<Uri> gateway, string user, string token, string room)
    {
        var chatter = new Chatter(gateway, user, token, room);
        var deadline = Stopwatch.GetTimestamp() + Ticks(TimeSpan.FromSeconds(60));
        await chatter.ConnectAsync(resume: false, deadline);
        var lastSeq = await chatter.JoinRoomAsync(TimeSpan.FromSeconds(60));
        // A join the gateway gave up on (unavailable after 5 s) may still have gone through: the
        // user's session then told the gateway, and the socket began following from the join event
        // itself, before the retried join's reply. The chatter follows from the first event shown.
        await chatter.HarvestAsync(deadline);
        var shown = chatter.Events;
        chatter.JoinedAt = shown.Count == 0 ? lastSeq : Math.Min(lastSeq, shown[0].Seq - 1);
        chatter.LastSeen = shown.Count == 0 ? lastSeq : chatter.LastSeen;
        return chatter;
    }

    /// <summary>Joins the room, retrying while it answers <c>unavailable</c> (a busy cluster can take longer than the gateway waits); returns the room's last seq.</summary>
    private async Task<long> JoinRoomAsync(TimeSpan within)
    {
        var deadline = Stopwatch.GetTimestamp() + Ticks(within);
        while (true)
        {
            var answer = await _socket!.RequestAsync("join", new { room = Room });
            if (answer is not ErrorFrame { Code: "unavailable" } || Stopwatch.GetTimestamp() > deadline)
            {
                return answer.Ok<JoinReply>().LastSeq;
            }
            Unavailable++;
            NoteTrouble();
            await Task.Delay(Backoff);
        }
    }

    private void NoteTrouble() => NoteNow(_troubleAt);

    private void Refused() => NoteNow(_refusals);

    private void NoteNow(List<long> times)
    {
        lock (_gate)
        {
            times.Add(Stopwatch.GetTimestamp());
        }
    }

    /// <summary>
    /// Joins as <see cref="JoinAsync(Func{Uri}, string, string, string)"/> through the ring's gateway; when
    /// it answers one send <c>unavailable</c> twice in a row, the chatter moves to the ring's next gateway
    /// and resumes there, as a client that knows several gateways would.
    /// </summary>
    public static async Task<Chatter> JoinAsync(GatewayRing ring, string user, string token, string room)
    {
        var chatter = await JoinAsync(() => ring.Current, user, token, room);
        chatter._ring = ring;
        return chatter;
    }

    /// <summary>
    /// Sends one message, retrying until it is acknowledged; returns its seq. Throws at the deadline,
    /// or at once on an error no retry can fix (anything but <c>unavailable</c>).
    /// </summary>
    public async Task<long> SendAsync(string clientMsgId, string text, TimeSpan within)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = started + Ticks(within);
        var attempts = 0;
        var unavailableInARow = 0;
        while (true)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{User}: '{clientMsgId}' not acknowledged after {attempts} attempts in {within.TotalSeconds} s");
            }
            attempts++;
            await EnsureSocketAsync(deadline);
            var answer = await AskAsync("send", new { room = Room, clientMsgId, text });
            switch (answer)
            {
                case { Frame: ReplyFrame reply }:
                    var seq = reply.Ok<SendReply>().Seq;
                    lock (_gate)
                    {
                        _acked[clientMsgId] = seq;
                        _sends.Add(new SendRecord(clientMsgId, seq, started, Stopwatch.GetTimestamp(), attempts));
                    }
                    return seq;
                case { Frame: ErrorFrame { Code: "unavailable" } }:
                    Unavailable++;
                    Refused();
                    NoteTrouble();
                    if (_ring is not null && ++unavailableInARow >= 2)
                    {
                        _ring.MoveOn();
                        unavailableInARow = 0;
                        await DropSocketAsync();
                    }
                    await Task.Delay(Backoff);
                    break;
                case { Frame: ErrorFrame error }:
                    lock (_gate)
                    {
                        _otherErrors.Add(error.ToString());
                    }
                    throw new InvalidOperationException($"{User}: send refused: {error}");
                case { Kind: AnswerKind.NoAnswer }:
                    Timeouts++;
                    Refused();
                    break;
                case { Kind: AnswerKind.Closed }:
                    NoteTrouble();
                    await DropSocketAsync();
                    break;
            }
        }
    }

    /// <summary>
    /// Sends messages one after another at most <paramref name="perSecond"/> a second until
    /// <paramref name="stop"/> is signalled; the send in progress then still runs to its acknowledgement.
    /// </summary>
    public async Task ChatAsync(int perSecond, TimeSpan sendWithin, CancellationToken stop)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / perSecond));
        for (var i = 1; !stop.IsCancellationRequested; i++)
        {
            var id = $"{User}-{i}";
            await SendAsync(id, $"message {i} from {User}", sendWithin);
            try
            {
                await pace.WaitForNextTickAsync(stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Waits until this chatter was delivered every event up to <paramref name="seq"/>, reconnecting as needed.</summary>
    public async Task CatchUpAsync(long seq, TimeSpan within)
    {
        var deadline = Stopwatch.GetTimestamp() + Ticks(within);
        while (LastSeen < seq)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{User} saw up to {LastSeen}, not {seq}, within {within.TotalSeconds} s");
            }
            await EnsureSocketAsync(deadline);
            try
            {
                var seen = LastSeen;
                await _socket!.WaitForAsync(f => f switch
                {
                    EventFrame e => e.Room == Room && e.Seq >= seq,
                    ResyncFrame r => r.Room == Room && r.LastSeq > seen,
                    _ => false,
                }, TimeSpan.FromMilliseconds(500));
            }
            catch (TimeoutException)
            {
                // Not yet (or the socket closed: the next EnsureSocketAsync replaces it).
            }
            await HarvestAsync(deadline);
        }
    }

    private async Task EnsureSocketAsync(long deadline)
    {
        await HarvestAsync(deadline);
        if (_socket is { } socket && !socket.Closed.IsCompleted)
        {
            return;
        }
        await DropSocketAsync();
        await ConnectAsync(resume: true, deadline);
    }

    private async Task ConnectAsync(bool resume, long deadline)
    {
        while (true)
        {
            ChatTestClient? socket = null;
            try
            {
                socket = await ChatTestClient.ConnectAsync(_gateway(), User, Token);
                _socket = socket;
                _harvested = 0;
                object hello = resume
                    ? new { token = Token, resume = new Dictionary<string, long> { [Room] = LastSeen } }
                    : new { token = Token };
                switch ((await AskAsync("hello", hello)).Frame)
                {
                    case ReplyFrame:
                        if (resume)
                        {
                            Reconnects++;
                        }
                        return;
                    case ErrorFrame { Code: "unavailable" }:
                        Unavailable++;
                        NoteTrouble();
                        break;
                    case ErrorFrame error:
                        lock (_gate)
                        {
                            _otherErrors.Add("hello: " + error);
                        }
                        break;
                }
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or HttpRequestException or TimeoutException)
            {
                // The gateway is not there (yet): try again.
            }
            _socket = null;
            if (socket is not null)
            {
                await socket.DisposeAsync();
            }
            // A client that knows several gateways tries the next one when one does not greet it.
            _ring?.MoveOn();
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{User}: could not say hello to {_gateway()} before the deadline");
            }
            await Task.Delay(Backoff);
        }
    }

    /// <summary>
    /// Moves the room's events off the socket into this chatter's record, in order. A <c>resync</c>
    /// is filled in from history before anything that came after it on the socket.
    /// </summary>
    private async Task HarvestAsync(long deadline)
    {
        if (_socket is not { } socket)
        {
            return;
        }
        var frames = socket.Frames;
        for (; _harvested < frames.Count; _harvested++)
        {
            switch (frames[_harvested])
            {
                case ResyncFrame resync when resync.Room == Room:
                    Resyncs++;
                    await ReloadAsync(resync.LastSeq, deadline);
                    break;
                case EventFrame shown when shown.Room == Room:
                    lock (_gate)
                    {
                        _events.Add(shown);
                    }
                    LastSeen = shown.Seq;
                    break;
            }
        }
    }

    /// <summary>
    /// The contract's answer to <c>resync</c>: read the room's messages after the last one seen, up
    /// to the seq the server named, through <c>GET /api/rooms/{id}/messages?after=</c>; the socket
    /// then goes on from that seq. (Every event of this room after the joins is a message.)
    /// </summary>
    private async Task ReloadAsync(long upTo, long deadline)
    {
        var socketUri = _gateway();
        using var http = new HttpClient { BaseAddress = new Uri($"http://{socketUri.Authority}/"), Timeout = ReplyWait };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        while (LastSeen < upTo)
        {
            HistoryPage page;
            try
            {
                using var response = await http.GetAsync(new Uri($"api/rooms/{Room}/messages?after={LastSeen}&limit=200", UriKind.Relative));
                response.EnsureSuccessStatusCode();
                page = await response.ReadAsync<HistoryPage>();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"{User}: could not reload {Room} after {LastSeen} through history before the deadline");
                }
                Unavailable++;
                await Task.Delay(Backoff);
                continue;
            }
            var messages = page.Messages;
            foreach (var message in messages.Where(m => m.Seq <= upTo))
            {
                // Shown as the event it was: the messages are what the room's events after the joins are.
                var shown = new EventFrame(Room, message.Seq, "message", message.Sender, message.Ts, message.Text, message.ClientMsgId);
                lock (_gate)
                {
                    _events.Add(shown);
                }
                Reloaded++;
                LastSeen = shown.Seq;
            }
            if (messages.Count == 0 || messages[^1].Seq >= upTo)
            {
                break; // the rest of the range holds no messages
            }
        }
        LastSeen = Math.Max(LastSeen, upTo);
    }

    private async Task DropSocketAsync()
    {
        await HarvestAsync(Stopwatch.GetTimestamp() + Ticks(TimeSpan.FromSeconds(60)));
        if (_socket is { } socket)
        {
            _socket = null;
            socket.Abort();
            await socket.DisposeAsync();
        }
    }

    /// <summary>
    /// Sends a frame and waits <see cref="ReplyWait"/> for its answer; a socket that closed, or
    /// does not answer in time, is said so instead of throwing, so that the caller may retry.
    /// </summary>
    private async Task<Answer> AskAsync(string type, object fields)
    {
        var socket = _socket!;
        var reference = $"{type}-{Interlocked.Increment(ref _refs)}";
        try
        {
            await socket.SendFrameAsync(type, reference, fields);
            return new Answer(AnswerKind.Answered, await socket.WaitForAnswerAsync(reference, ReplyWait));
        }
        catch (Exception ex) when (ex is TimeoutException or System.Net.WebSockets.WebSocketException or ObjectDisposedException)
        {
            return new Answer(socket.Closed.IsCompleted ? AnswerKind.Closed : AnswerKind.NoAnswer, null);
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    public async ValueTask DisposeAsync() => await DropSocketAsync();

    private enum AnswerKind { Answered, NoAnswer, Closed }

    /// <summary>What became of a frame: its answer (a reply or an error), none in time, or a closed socket.</summary>
    private sealed record Answer(AnswerKind Kind, AnswerFrame? Frame);
}

/// <summary>One acknowledged send: its id and seq, when it was first tried and acknowledged (Stopwatch timestamps), and how many tries it took.</summary>
public sealed record SendRecord(string ClientMsgId, long Seq, long StartedAt, long AckedAt, int Attempts);
