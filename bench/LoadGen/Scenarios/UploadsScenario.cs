using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// Whether uploads leave chat alone. R chat rooms of M members, one socket each, send messages at a
/// fixed rate (open loop, random members) while U uploaders, each in a room of its own (so that no
/// room quota is reached), post files of a fixed size (1 MiB of random bytes by default: stored, no
/// thumbnail made) at a fixed total rate. Reports the uploads accepted per second and their latency,
/// and the chat rooms' message acknowledgement p99 under that load.
/// </summary>
public sealed class UploadsScenario(Options options, HttpClient http, SourceAddresses sources) : Scenario(options, http, sources)
{
    private readonly int _rooms = options.Int("rooms", 10);
    private readonly int _members = options.Int("members", 10);
    private readonly double _chatRate = options.Double("rate", 100);
    private readonly int _uploaders = options.Int("uploaders", 20);
    private readonly double _uploadRate = options.Double("upload-rate", 50);
    private readonly int _uploadBytes = options.Int("upload-bytes", 1024 * 1024);

    public override string Name => "uploads";

    public override bool RunsOnBaseline => false;

    public override IReadOnlyList<string> Headline => ["uploads.acceptedPerSecond", "uploads.p99", "messages.ack.p99"];

    public override IReadOnlyList<Goal> Goals =>
    [
        new("uploads.acceptedPerSecond", "1 MiB uploads answered 201 in the window ≥ 50/s", ">=", 50),
        new("messages.ack.p99", "other rooms' message p99 ≤ 100 ms during uploads", "<=", 100),
    ];

    public override async Task<TargetRun> RunAsync(Target target, Progress progress, CancellationToken cancellationToken)
    {
        var warmup = Seconds("warmup", 3);
        var duration = Seconds("duration", 20);
        Setup["chat rooms × members"] = $"{_rooms} × {_members} ({_rooms * _members:N0} users, one socket each), {_chatRate}/s messages in total";
        Setup["uploads"] = $"{_uploaders} uploaders, each in a room of its own, {_uploadRate}/s in total of {_uploadBytes:N0} random bytes (open loop)";
        Setup["duration"] = $"{warmup.TotalSeconds} s warm-up (not measured) + {duration.TotalSeconds} s measured";
        // The gateway's store is its setting, not the scenario's: bench.sh hands its environment to both.
        Setup["attachment store"] = Environment.GetEnvironmentVariable("Attachments__Store") is { Length: > 0 } store
            ? $"{store} (Attachments__Store)"
            : "Postgres (the default)";
        var run = new TargetRun { Target = target.Name };

        progress.Phase("users");
        var chatters = await Users.CreateAsync(target, $"u{Tag}-", _rooms * _members, cancellationToken);
        var uploaders = await Users.CreateAsync(target, $"up{Tag}-", _uploaders, cancellationToken);
        run.Details["users"] = Users.Description;
        await using var fleet = new Fleet(target, Sources, NoSink.Instance);
        progress.Phase("connecting", () => $"{fleet.Done:N0}/{chatters.Count:N0} failed {fleet.FailureCount}");
        await fleet.ConnectAsync(chatters, Options.Int("concurrency", 64), new Latency("connect", "connect + hello"), cancellationToken);
        string ChatRoomOf(int index) => $"chat-{Tag}-{index / _members}";
        progress.Phase("joining", () => $"{fleet.Done:N0}/{fleet.Clients.Count:N0} failed {fleet.FailureCount}");
        await fleet.JoinAsync(ChatRoomOf, Options.Int("join-concurrency", 16), new Latency("join", "join"), cancellationToken);
        var joined = Enumerable.Range(0, chatters.Count).Where(fleet.Joined).ToArray();
        if (joined.Length == 0)
        {
            throw new InvalidOperationException("no chatter joined a room");
        }

        // Each uploader makes its room over HTTP (and so is its member).
        progress.Phase("upload rooms");
        var clients = new List<(HttpClient Http, string Room)>();
        foreach (var (user, i) in uploaders.Select((u, i) => (u, i)))
        {
            var client = new HttpClient { BaseAddress = target.Http, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
            var room = $"files-{Tag}-{i}";
            using var made = await client.PostAsJsonAsync("/api/rooms", new { id = room, visibility = "private" }, cancellationToken);
            made.EnsureSuccessStatusCode();
            clients.Add((client, room));
        }
        await WaitForQuietAsync(target, QuietPercent, TimeSpan.FromSeconds(Options.Double("settle", 60)), cancellationToken);

        var file = new byte[_uploadBytes];
        Random.Shared.NextBytes(file);
        var messageAck = new Latency("messages.ack", "message → ack (chat rooms, during uploads)");
        var uploadLatency = new Latency("uploads", "upload → 201");
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        long accepted = 0, acceptedMeasured = 0, acked = 0, inFlight = 0;
        long measuredFrom = 0;
        // Uploads answered 201 while the window is open: the rate the servers kept up with. Counting
        // those started in the window and answered whenever would report the offered rate, however
        // long the queue grew behind it.
        var windowOpen = 0;
        CpuWindow? window = null;

        var chat = OpenLoop.RunAsync(_chatRate, warmup + duration, i =>
        {
            var member = joined[Random.Shared.Next(joined.Length)];
            var measured = Interlocked.Read(ref measuredFrom) > 0;
            _ = fleet[member]!.SendAsync(ChatRoomOf(member), $"m{Tag}-{i}", $"message {i}").ContinueWith(t =>
            {
                if (t.Result.Ok)
                {
                    Interlocked.Increment(ref acked);
                    if (measured)
                    {
                        messageAck.Record(t.Result.SentAt, t.Result.ReceivedAt);
                    }
                }
                else
                {
                    errors.AddOrUpdate($"message {t.Result.Code}", 1, (_, n) => n + 1);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }, cancellationToken);

        var warmupUploads = (long)(_uploadRate * warmup.TotalSeconds);
        progress.Phase("uploading", () => $"uploads {Interlocked.Read(ref accepted):N0} in flight {Interlocked.Read(ref inFlight)} messages acked {Interlocked.Read(ref acked):N0}");
        var uploads = OpenLoop.RunAsync(_uploadRate, warmup + duration, i =>
        {
            if (i == warmupUploads)
            {
                window = new CpuWindow(target.Pids);
                Interlocked.Exchange(ref measuredFrom, Stopwatch.GetTimestamp());
                Volatile.Write(ref windowOpen, 1);
            }
            var measured = i >= warmupUploads;
            var (client, room) = clients[(int)(i % clients.Count)];
            Interlocked.Increment(ref inFlight);
            _ = UploadAsync(client, room, file, i, cancellationToken).ContinueWith(t =>
            {
                Interlocked.Decrement(ref inFlight);
                if (t.IsCompletedSuccessfully && t.Result.Status == HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref accepted);
                    if (Volatile.Read(ref windowOpen) == 1)
                    {
                        Interlocked.Increment(ref acceptedMeasured);
                    }
                    if (measured)
                    {
                        uploadLatency.Record(t.Result.Started, t.Result.Ended);
                    }
                }
                else
                {
                    var code = t.IsCompletedSuccessfully ? $"{(int)t.Result.Status}" : t.Exception?.InnerException?.GetType().Name ?? "cancelled";
                    errors.AddOrUpdate($"upload {code}", 1, (_, n) => n + 1);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }, cancellationToken);
        await Task.WhenAll(chat, uploads);
        Volatile.Write(ref windowOpen, 0);
        var measuredSeconds = Stopwatch.GetElapsedTime(measuredFrom).TotalSeconds;
        if (window is not null)
        {
            AddCpu(run, window);
        }
        // Uploads still in flight at the end are waited for, but counted only if they came in the window.
        await WaitUntilAsync(() => Interlocked.Read(ref inFlight) == 0, TimeSpan.FromSeconds(60), cancellationToken);

        run.Add("uploads.acceptedPerSecond", $"uploads of {_uploadBytes:N0} bytes answered 201 per second in the window", acceptedMeasured / measuredSeconds, "/s", higherIsBetter: true);
        run.Add(uploadLatency);
        run.Add(messageAck);
        run.Add("uploads.accepted", "uploads accepted in all", Interlocked.Read(ref accepted), "");
        run.Add("errors", "upload and message errors", errors.Values.Sum(), "");
        foreach (var (code, n) in errors)
        {
            run.Notes.Add($"{n} × {code}");
        }
        run.Add("failed", "connections or joins failed", fleet.FailureCount, "");
        foreach (var client in clients)
        {
            client.Http.Dispose();
        }
        progress.Phase("closing");
        return run;
    }

    private static async Task<(HttpStatusCode Status, long Started, long Ended)> UploadAsync(
        HttpClient client, string room, byte[] file, long i, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync($"/api/rooms/{room}/attachments?name=bench-{i}.bin", content, cancellationToken);
        return (response.StatusCode, started, Stopwatch.GetTimestamp());
    }
}
