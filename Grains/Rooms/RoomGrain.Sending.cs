using System.Diagnostics;
using ChatApp.Errors;
using ChatApp.Storage;
using ChatApp.Users;
using Microsoft.Extensions.Logging;

namespace ChatApp.Rooms;

/// <summary>
/// Sending messages, alone (<see cref="Send"/>) or as a gateway's batch (<see cref="SendMany"/>),
/// through the same steps. The sends of a batch that all pass are one statement, one commit and
/// one stream item; when one of them is refused the statement stores nothing and each goes again
/// alone, to be answered as it would have been alone.
/// </summary>
public sealed partial class RoomGrain
{
    public async Task<SendResult> Send(UserName user, string clientMsgId, string text, long? replyTo = null, IReadOnlyList<Guid>? attachments = null) =>
        (await SendMany([new MessageToSend(user, clientMsgId, text, replyTo, attachments)]))[0].Result;

    public async Task<IReadOnlyList<SendOutcome>> SendMany(IReadOnlyList<MessageToSend> sends)
    {
        var outcomes = new SendOutcome?[sends.Count];
        var committed = new List<RoomEvent>();
        var waiting = Enumerable.Range(0, sends.Count).ToList();
        while (waiting.Count > 0)
        {
            // A clientMsgId repeated within the batch waits for its first to be answered: stored, the
            // repeat is answered with its seq, as a send after it would be; refused, it is tried itself.
            var firsts = new Dictionary<(UserName, string), int>();
            var round = new List<int>();
            var repeats = new List<int>();
            foreach (var i in waiting)
            {
                (firsts.TryAdd((sends[i].User, sends[i].ClientMsgId), i) ? round : repeats).Add(i);
            }
            await SendRound(sends, round, outcomes, committed);
            waiting = [];
            foreach (var i in repeats)
            {
                if (outcomes[firsts[(sends[i].User, sends[i].ClientMsgId)]]?.Sent is { } first)
                {
                    outcomes[i] = SendOutcome.Of(first with { Repeated = true });
                }
                else
                {
                    waiting.Add(i);
                }
            }
        }
        if (committed.Count > 0)
        {
            await Publish(committed);
            foreach (var e in committed)
            {
                NotifyMentions(e);
            }
        }
        return [.. outcomes.Select(o => o!)];
    }

    /// <summary>
    /// Checks and stores sends whose (sender, clientMsgId) differ, in order. Those without files go
    /// together; a send with files goes alone, as its files are checked and marked in its own statement.
    /// </summary>
    private async Task SendRound(IReadOnlyList<MessageToSend> sends, List<int> round, SendOutcome?[] outcomes, List<RoomEvent> committed)
    {
        var run = new List<int>();
        foreach (var i in round)
        {
            try
            {
                CheckSend(sends[i]);
            }
            catch (ChatException ex)
            {
                outcomes[i] = SendOutcome.Of(ex);
                continue;
            }
            if (sends[i].Attachments is { Count: > 0 })
            {
                await StoreRun(sends, run, outcomes, committed);
                run.Clear();
                await StoreRun(sends, [i], outcomes, committed);
            }
            else
            {
                run.Add(i);
            }
        }
        await StoreRun(sends, run, outcomes, committed);
    }

    private void CheckSend(MessageToSend send)
    {
        EnsureMember(send.User);
        MessageRules.CheckClientMsgId(send.ClientMsgId);
        AttachmentRules.CheckIds(send.Attachments);
        MessageRules.CheckMessageText(send.Text, send.Attachments is { Count: > 0 });
    }

    /// <summary>Stores checked sends with consecutive seqs in one statement, or each alone when that refuses one.</summary>
    private async Task StoreRun(IReadOnlyList<MessageToSend> sends, IReadOnlyList<int> run, SendOutcome?[] outcomes, List<RoomEvent> committed)
    {
        if (run.Count > 1)
        {
            try
            {
                await EnsureSeqKnown();
                var now = ChatClock.Now(time);
                var events = run.Select((i, n) => MessageEvent(sends[i], _lastSeq + 1 + n, now, files: [])).ToList();
                var writing = Stopwatch.GetTimestamp();
                var stored = await Write(() => log.TryAppendMessages(events));
                metrics.CommitTook(writing);
                if (stored)
                {
                    for (var n = 0; n < run.Count; n++)
                    {
                        Stored(events[n], committed);
                        outcomes[run[n]] = SendOutcome.Of(new SendResult(events[n].Seq, events[n].Ts, Repeated: false));
                    }
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                foreach (var i in run)
                {
                    outcomes[i] = Refusal(ex);
                }
                return;
            }
        }
        // One send, or a batch with a send refused in it (a repeat of an earlier batch's clientMsgId,
        // a reply to no message): each is tried alone, and answered as it alone would be.
        foreach (var i in run)
        {
            try
            {
                outcomes[i] = SendOutcome.Of(await StoreOne(sends[i], committed));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                outcomes[i] = Refusal(ex);
            }
        }
    }

    private async Task<SendResult> StoreOne(MessageToSend send, List<RoomEvent> committed)
    {
        await EnsureSeqKnown();
        var (user, clientMsgId, replyTo, attachments) = (send.User.Value, send.ClientMsgId, send.ReplyTo, send.Attachments);
        // What the event tells of each file is read first; the write checks again that each is still free to attach.
        var files = attachments is { Count: > 0 } ids ? await Guarded(() => attachmentLinks.Unattached(Id, user, ids)) : [];
        if (files.Count != (attachments?.Count ?? 0))
        {
            return await Guarded(() => log.FindByClientMsgId(Id, user, clientMsgId)) ?? throw NoSuchAttachment();
        }

        var e = MessageEvent(send, _lastSeq + 1, ChatClock.Now(time), files);
        var writing = Stopwatch.GetTimestamp();
        // The message a reply answers is checked inside the write, so a reply costs no extra read.
        var stored = await Write(() => log.TryAppendMessage(e));
        metrics.CommitTook(writing);
        if (!stored)
        {
            var first = await Guarded(() => log.FindByClientMsgId(Id, user, clientMsgId));
            return first
                ?? (replyTo is not null
                    ? throw new ChatException(ErrorCodes.NotFound, "The message replied to is no message of this room.")
                    : files.Count > 0
                        ? throw NoSuchAttachment()
                        : throw new ChatException(ErrorCodes.Unavailable, "The message could not be stored; retry."));
        }
        Stored(e, committed);
        return new SendResult(e.Seq, e.Ts, Repeated: false);
    }

    private RoomEvent MessageEvent(MessageToSend send, long seq, DateTime ts, IReadOnlyList<AttachmentInfo> files) =>
        new(Id, seq, RoomEventKind.Message, send.User, ts, Text: send.Text, ClientMsgId: send.ClientMsgId, ReplyTo: send.ReplyTo,
            Attachments: files.Count > 0 ? files : null);

    /// <summary>A message committed: the room's last seq and newest page follow it, and it waits to be published.</summary>
    private void Stored(RoomEvent e, List<RoomEvent> committed)
    {
        _lastSeq = e.Seq;
        _recent.Added(new ChatMessage(Id, e.Seq, e.Sender, e.Text ?? "", e.Ts, EditedTs: null, Deleted: false, e.ClientMsgId, e.ReplyTo, [],
            e.Attachments ?? []));
        committed.Add(e);
        metrics.MessageSent();
    }

    /// <summary>
    /// What a send is answered when its storing failed. A retry with the same clientMsgId stores it
    /// once, whichever way an unknown outcome went (Write has put the seq in doubt).
    /// </summary>
    private SendOutcome Refusal(Exception ex) => SendOutcome.Of(RefusalOf(ex, "message", LogSendFailed));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room} could not store a message")]
    private static partial void LogSendFailed(ILogger logger, Exception ex, string room);
}
