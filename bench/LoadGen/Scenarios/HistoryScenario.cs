using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// Reading a big room: <c>GET /api/rooms/{id}/messages?before=</c> ("history") or
/// <c>GET /api/search</c> ("search") on a room of 100,000 messages, first at a fixed rate
/// (open loop) for the latency, then with a fixed number of requests outstanding for the most
/// answers per second. ChatApp only: the baseline keeps no history.
/// </summary>
public sealed class HistoryScenario(string name, Options options, HttpClient http, SourceAddresses sources) : Scenario(options, http, sources)
{
    private bool Search => name == "search";

    public override string Name => name;

    public override string? PeerCannot =>
        "its requests are ChatApp's HTTP API (history pages, search); ejabberd's MAM queries and a SignalR history method are not written in the bench yet";

    public override bool RunsOnBaseline => false;

    public override IReadOnlyList<string> Headline => [$"{name}.p50", "maxRate", $"{name}AtMax.p99", "cpuPer1000Requests"];

    public override IReadOnlyList<Goal> Goals => Search
        ? [new("search.p99", "search p99 ≤ 50 ms (100,000 messages)", "<=", 50), new("errors", "failed requests", "==", 0)]
        : [new("history.p99", "history page p99 ≤ 20 ms (100,000 messages)", "<=", 20), new("errors", "failed requests", "==", 0)];

    public override async Task<TargetRun> RunAsync(Target target, Progress progress, CancellationToken cancellationToken)
    {
        var messages = Options.Int("messages", 100_000);
        var rate = Options.Double("rate", Search ? 20 : 100);
        var duration = Seconds("duration", 30);
        var concurrency = Options.Int("concurrency", 8);
        var maxDuration = Seconds("max-duration", 10);
        var db = Options.String("db") ?? throw new InvalidOperationException("--db is needed to seed the room");
        var room = $"{name}-{Tag}";
        Setup["room"] = $"{messages:N0} messages, seeded with SQL COPY into room_events and messages before the room's grain first activated (seeding only)";
        Setup["fixed-rate phase"] = $"{rate} requests/s for {duration.TotalSeconds} s (open loop), random readers among the room's members";
        Setup["max-rate phase"] = $"{concurrency} requests outstanding for {maxDuration.TotalSeconds} s";
        if (messages != 100_000)
        {
            GoalNotes[Search ? "search.p99" : "history.p99"] = $"measured on {messages:N0} messages";
        }
        var run = new TargetRun { Target = target.Name };

        progress.Phase("users");
        var users = await Users.CreateAsync(target, $"{name[0]}{Tag}-", Options.Int("readers", 8), cancellationToken);
        run.Details["users"] = Users.Description;

        var corpus = new Corpus();
        progress.Phase($"seeding {messages:N0} messages by COPY");
        var seedStarted = Stopwatch.GetTimestamp();
        var texts = await RoomSeeder.SeedAsync(db, room, messages, [.. users.Select(u => u.Name)], corpus, cancellationToken);
        run.Add("seedSeconds", "seeding time (COPY, incl. search index)", Stopwatch.GetElapsedTime(seedStarted).TotalSeconds, "s");

        // The first join creates the room (its grain reads the seeded last seq); the rest become members.
        progress.Phase("joining");
        await using (var fleet = new Fleet(target, Sources, NoSink.Instance))
        {
            var connect = new Latency("connect", "connect + hello");
            await fleet.ConnectAsync(users.Take(1).ToList(), 1, connect, cancellationToken);
            await fleet.JoinAsync(_ => room, 1, new Latency("join", "join"), cancellationToken);
        }
        await using (var fleet = new Fleet(target, Sources, NoSink.Instance))
        {
            await fleet.ConnectAsync(users.Skip(1).ToList(), 8, new Latency("connect", "connect + hello"), cancellationToken);
            await fleet.JoinAsync(_ => room, 8, new Latency("join", "join"), cancellationToken);
            if (fleet.FailureCount > 0)
            {
                throw new InvalidOperationException("joins failed: " + string.Join("; ", fleet.Failures.Keys));
            }
        }

        var random = new Random(11);
        var queries = Search ? SearchQueries(corpus, texts, random) : [];
        var perClass = new ConcurrentDictionary<string, Latency>(StringComparer.Ordinal);
        var overall = new Latency(name, Search ? "search" : "history page (50)");
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        long done = 0, inFlight = 0, results = 0;

        async Task One(long i, Latency latency, bool measured)
        {
            var user = users[(int)(i % users.Count)];
            string path, kind;
            if (Search)
            {
                var (cls, q) = queries[(int)(i % queries.Count)];
                var inRoom = i / queries.Count % 2 == 0;
                kind = cls + (inRoom ? " (room=)" : " (all rooms)");
                path = $"/api/search?q={Uri.EscapeDataString(q)}&limit=20" + (inRoom ? $"&room={room}" : "");
            }
            else
            {
                kind = "history";
                path = $"/api/rooms/{room}/messages?before={Random.Shared.NextInt64(51, messages + 2)}&limit=50";
            }
            Interlocked.Increment(ref inFlight);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target.Http, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await Http.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var ended = Stopwatch.GetTimestamp();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    errors.AddOrUpdate($"{(int)response.StatusCode}", 1, (_, n) => n + 1);
                }
                else if (measured)
                {
                    latency.Record(started, ended);
                    if (Search)
                    {
                        perClass.GetOrAdd(kind, k => new Latency(k, k)).Record(started, ended);
                        Interlocked.Add(ref results, CountOf(body, "\"seq\""u8));
                    }
                }
            }
            catch (HttpRequestException ex)
            {
                errors.AddOrUpdate(ex.Message, 1, (_, n) => n + 1);
            }
            Interlocked.Decrement(ref inFlight);
            Interlocked.Increment(ref done);
        }

        // A short warm-up: JIT, connection pools, PostgreSQL's buffers.
        progress.Phase("warm-up", () => $"{done}");
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => One(i, new Latency("w", "w"), measured: false)));

        progress.Phase($"fixed rate {rate}/s", () => $"done {done:N0} in flight {inFlight} errors {errors.Values.Sum()}");
        var cpu = new CpuWindow(target.Pids);
        var pending = new ConcurrentBag<Task>();
        await OpenLoop.RunAsync(rate, duration, i => pending.Add(One(i, overall, measured: true)), cancellationToken);
        await Task.WhenAll(pending);
        AddCpu(run, cpu);

        progress.Phase($"max rate ({concurrency} outstanding)", () => $"done {done:N0} errors {errors.Values.Sum()}");
        var atMax = new Latency($"{name}AtMax", "at max rate");
        long maxDone = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(maxDuration.TotalSeconds * Stopwatch.Frequency);
        var maxStarted = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            for (long i = worker; Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested; i += concurrency)
            {
                await One(i, atMax, measured: true);
                Interlocked.Increment(ref maxDone);
            }
        }));
        var maxRate = maxDone / Stopwatch.GetElapsedTime(maxStarted).TotalSeconds;

        run.Add(overall);
        AddCpuCost(run, target, overall.Count / duration.TotalSeconds / 1000, "cpuPer1000Requests", "server CPU per 1,000 requests");
        if (Search)
        {
            run.Add("resultsPerSearch", "results per search (mean)", overall.Count == 0 ? 0 : (double)Interlocked.Read(ref results) / (overall.Count + atMax.Count), "");
            foreach (var latency in perClass.Values.OrderBy(l => l.Name, StringComparer.Ordinal))
            {
                var s = latency.Summary();
                run.Add($"class.{s.Name}.p50", $"{s.Name} p50", s.P50, "ms");
                run.Add($"class.{s.Name}.p99", $"{s.Name} p99", s.P99, "ms");
            }
        }
        run.Add("maxRate", "max requests/s", maxRate, "/s", higherIsBetter: true);
        run.Add(atMax);
        run.Add("errors", "failed requests", errors.Values.Sum(), "");
        foreach (var (code, n) in errors)
        {
            run.Notes.Add($"{n} × {code}");
        }
        return run;
    }

    /// <summary>Queries by how much they match: most of the room, about 2%, a handful; a phrase; an exclusion.</summary>
    private static List<(string Class, string Query)> SearchQueries(Corpus corpus, List<string> texts, Random random)
    {
        var list = new List<(string, string)>();
        for (var i = 0; i < 8; i++)
        {
            list.Add(("common word", corpus.Word(i % 3)));
            list.Add(("medium word", corpus.Word(50 + random.Next(50))));
            list.Add(("rare word", corpus.Word(2000 + random.Next(3000))));
            var words = texts[random.Next(texts.Count)].Split(' ');
            var at = random.Next(words.Length - 1);
            list.Add(("phrase", $"\"{words[at]} {words[at + 1]}\""));
            list.Add(("medium -common", $"{corpus.Word(50 + random.Next(50))} -{corpus.Word(0)}"));
        }
        return list;
    }

    private static int CountOf(ReadOnlySpan<byte> body, ReadOnlySpan<byte> needle)
    {
        var count = 0;
        int at;
        while ((at = body.IndexOf(needle)) >= 0)
        {
            count++;
            body = body[(at + needle.Length)..];
        }
        return count;
    }
}
