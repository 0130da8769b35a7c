using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace ChatApp.Bench.LoadGen.Setup;

/// <summary>A user the load generator acts as, with the bearer token its hello and HTTP calls carry.</summary>
public sealed record BenchUser(string Name, string Token);

/// <summary>
/// Makes users. For ChatApp the first ones register through <c>POST /api/auth/register</c> (the
/// rate is reported); beyond that the rest are inserted with SQL COPY, sharing the password hash
/// of a registered user, and get tokens signed with the gateway's key, since each registration
/// costs a PBKDF2 hash (100,000 iterations) on the same two cores. The baseline takes any token.
/// </summary>
public sealed class Users(Options options, HttpClient http)
{
    public const string Password = "bench-password-1";

    /// <summary>What the last call did, for the report.</summary>
    public string Description { get; private set; } = "";

    public double RegisterPerSecond { get; private set; }

    public async Task<List<BenchUser>> CreateAsync(Target target, string prefix, int count, CancellationToken cancellationToken)
    {
        var names = Enumerable.Range(0, count).Select(i => $"{prefix}{i}").ToList();
        if (target.Protocol == Protocol.ClientProtocol.SignalR)
        {
            Description = $"{count} names (the SignalR hub, like the tutorial's, authenticates nobody: the name is a query parameter)";
            return [.. names.Select(n => new BenchUser(n, n))];
        }
        if (target.Protocol == Protocol.ClientProtocol.Xmpp)
        {
            return await XmppUsersAsync(target, names, cancellationToken);
        }
        if (!target.IsChatApp)
        {
            Description = $"{count} names (the baseline accepts any token)";
            return [.. names.Select(n => new BenchUser(n, n))];
        }

        var viaHttp = Math.Min(count, options.Int("register-http", 50));
        var started = Stopwatch.GetTimestamp();
        var registered = new BenchUser[viaHttp];
        await Parallel.ForEachAsync(Enumerable.Range(0, viaHttp),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => registered[i] = await RegisterAsync(target, names[i], ct));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        RegisterPerSecond = Math.Round(viaHttp / seconds, 1);
        var users = registered.ToList();
        if (count == viaHttp)
        {
            Description = $"{count} registered over HTTP ({RegisterPerSecond}/s)";
            return users;
        }

        var db = options.String("db") ?? throw new InvalidOperationException("--db is needed to insert users by SQL");
        var key = Environment.GetEnvironmentVariable("Auth__SigningKey")
            ?? throw new InvalidOperationException("Auth__SigningKey (the gateway's key) is needed to sign tokens");
        var minter = new TokenMinter(key);
        started = Stopwatch.GetTimestamp();
        await using var source = NpgsqlDataSource.Create(db);
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        string hash;
        await using (var cmd = new NpgsqlCommand("SELECT password_hash FROM users WHERE name = $1", connection))
        {
            cmd.Parameters.AddWithValue(names[0]);
            hash = (string)(await cmd.ExecuteScalarAsync(cancellationToken))!;
        }
        await using (var copy = await connection.BeginBinaryImportAsync("COPY users (name, password_hash) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var name in names.Skip(viaHttp))
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(name, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(hash, NpgsqlDbType.Text, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        var ids = new Dictionary<string, (long Id, int Version)>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT name, id, token_version FROM users WHERE name = ANY($1)", connection))
        {
            cmd.Parameters.AddWithValue(names.Skip(viaHttp).ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt32(2));
            }
        }
        users.AddRange(names.Skip(viaHttp).Select(n => new BenchUser(n, minter.Mint(ids[n].Id, n, ids[n].Version))));
        Description = $"{viaHttp} registered over HTTP ({RegisterPerSecond}/s); {count - viaHttp} inserted by SQL COPY with tokens signed by the gateway's key ({Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s)";
        return users;
    }

    /// <summary>
    /// ejabberd's users: the first ones through its own <c>register</c> command (what
    /// <c>ejabberdctl register</c> runs, here over mod_http_api on loopback, the rate reported),
    /// the rest inserted by SQL COPY into its <c>users</c> table as that command stores them
    /// (password in plain, auth_password_format: plain; bench/ejabberd/ejabberd.yml.in). The token
    /// is the password, for SASL PLAIN.
    /// </summary>
    private async Task<List<BenchUser>> XmppUsersAsync(Target target, List<string> names, CancellationToken cancellationToken)
    {
        var api = new Uri(options.String("ejabberd-api") ?? throw new InvalidOperationException("--ejabberd-api is needed to register ejabberd users"));
        var viaApi = Math.Min(names.Count, options.Int("register-http", 50));
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(names.Take(viaApi), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (name, ct) =>
        {
            // With a length: ejabberd's HTTP listener takes no chunked bodies.
            using var body = new StringContent(JsonSerializer.Serialize(new { user = name, host = Protocol.XmppClient.Domain, password = Password }));
            using var response = await http.PostAsync(new Uri(api, "/api/register"), body, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"ejabberd register {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        });
        RegisterPerSecond = Math.Round(viaApi / Stopwatch.GetElapsedTime(started).TotalSeconds, 1);
        if (names.Count > viaApi)
        {
            var db = options.String("ejabberd-db") ?? throw new InvalidOperationException("--ejabberd-db is needed to insert ejabberd users by SQL");
            await using var source = NpgsqlDataSource.Create(db);
            await using var connection = await source.OpenConnectionAsync(cancellationToken);
            await using var copy = await connection.BeginBinaryImportAsync("COPY users (username, password) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var name in names.Skip(viaApi))
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(name, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(Password, NpgsqlDbType.Text, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        Description = $"{viaApi} registered by ejabberd's register command over mod_http_api ({RegisterPerSecond}/s); {names.Count - viaApi} inserted into its users table by SQL COPY (plain passwords, as it stores them)";
        return [.. names.Select(n => new BenchUser(n, Password))];
    }

    private async Task<BenchUser> RegisterAsync(Target target, string name, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await http.PostAsJsonAsync(new Uri(target.Http, "/api/auth/register"), new { username = name, password = Password }, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 5)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                continue;
            }
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"register {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return new BenchUser(name, body.RootElement.GetProperty("token").GetString()!);
        }
    }
}
