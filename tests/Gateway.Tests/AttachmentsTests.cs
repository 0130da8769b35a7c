using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>One system with small upload bounds, so that the limits and quotas are reached with small files.</summary>
public sealed class SmallUploadsFixture() : ChatSystemFixture(new Dictionary<string, string>(ChatSystem.RoomyLimits)
{
    ["Attachments:MaxBytes"] = $"{MaxBytes}",
    ["Attachments:UserQuotaBytes"] = $"{UserQuotaBytes}",
    ["Attachments:RoomQuotaBytes"] = $"{RoomQuotaBytes}",
    ["Attachments:PostgresWriters"] = "1",
})
{
    public const int MaxBytes = 256 * 1024;
    public const int UserQuotaBytes = 600 * 1024;
    public const int RoomQuotaBytes = 900 * 1024;
}

/// <summary>
/// Files over HTTP: uploaded by members, carried by messages, served only to members with a type
/// decided from the bytes and headers that keep any file from acting as a page.
/// </summary>
public sealed class AttachmentsTests(SmallUploadsFixture fixture) : IClassFixture<SmallUploadsFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task An_image_sent_in_a_message_reaches_the_other_member_with_its_thumbnail()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room, aliceHttp, bobHttp) = pair;
        var picture = TestImages.Png(400, 300);

        var upload = await aliceHttp.UploadAsync(room, "holiday.png", picture);
        var seq = await alice.SendWithAsync(room, "look", upload.Id);

        Assert.Equal(new Attachment(upload.Id, "holiday.png", picture.Length, "image/png", HasThumbnail: true), upload);
        var seen = await bob.WaitForEventAsync(room, seq);
        Assert.Equal(upload, Assert.Single(seen.Attachments!));
        Assert.Equal(upload, Assert.Single((await bob.HistoryAsync(room)).Messages.Single(m => m.Seq == seq).Attachments!));

        using var file = await bobHttp.GetAsync($"/api/attachments/{upload.Id}");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(picture, await file.Content.ReadAsByteArrayAsync());
        AssertServedAs(file, "image/png", "inline");

        using var thumbnail = await bobHttp.GetAsync($"/api/attachments/{upload.Id}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        AssertServedAs(thumbnail, "image/png", "inline");
        Assert.Equal((320, 240), TestImages.SizeOf(await thumbnail.Content.ReadAsByteArrayAsync()));
    }
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task A_phone_photos_thumbnail_stands_as_its_EXIF_orientation_says_like_the_original_in_a_browser(int orientation)
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        using var http = System.Http(alice.Token);
        // Stored 160 × 80; orientations 5 to 8 turn it by a quarter, so it is shown 80 × 160.
        var photo = ExifJpegs.Quarters(160, 80, orientation, description: "GPS 51.5007N 0.1246W taken at home");

        Assert.Equal(orientation, ExifJpegs.OrientationOf(photo)); // the test's EXIF is read as a camera's would be

        var upload = await http.UploadAsync(room, "phone.jpg", photo);
        var thumbnail = await http.GetByteArrayAsync($"/api/attachments/{upload.Id}/thumbnail");

        Assert.Equal(orientation >= 5 ? (80, 160) : (160, 80), TestImages.SizeOf(thumbnail));
        Assert.Equal(ExifJpegs.Shown(orientation), ExifJpegs.CornersOf(thumbnail));
        // Made from pixels, the thumbnail carries none of the photo's EXIF: no words, and no
        // orientation that would make a browser turn it a second time.
        Assert.DoesNotContain("GPS", Encoding.Latin1.GetString(thumbnail));
        Assert.Equal(1, ExifJpegs.OrientationOf(thumbnail));
        // The original is served as it was uploaded, EXIF included (docs/security.md says so).
        Assert.Equal(photo, await http.GetByteArrayAsync($"/api/attachments/{upload.Id}"));
    }


    [Fact]
    public async Task Only_members_fetch_a_file_and_anyone_else_is_told_it_does_not_exist()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        using var aliceHttp = System.Http(alice.Token);
        var upload = await aliceHttp.UploadAsync(room, "plan.png", TestImages.Png(40, 30));
        await alice.SendWithAsync(room, "the plan", upload.Id);
        var (_, strangerToken) = await System.RegisterAsync("mallory");
        using var stranger = System.Http(strangerToken);

        foreach (var path in new[] { $"/api/attachments/{upload.Id}", $"/api/attachments/{upload.Id}/thumbnail", $"/api/attachments/{Guid.NewGuid()}" })
        {
            await HttpSteps.AssertProblemAsync(await stranger.GetAsync(path), HttpStatusCode.NotFound, "not_found");
        }
        // Nor may a non-member upload to the room.
        await HttpSteps.AssertProblemAsync(await stranger.PostFileAsync(room, "x.png", TestImages.Png(4, 4)), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task An_upload_no_message_carries_is_its_uploaders_alone()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room, aliceHttp, bobHttp) = pair;

        var upload = await aliceHttp.UploadAsync(room, "draft.txt", "not sent yet"u8.ToArray());

        Assert.Equal(HttpStatusCode.OK, (await aliceHttp.GetAsync($"/api/attachments/{upload.Id}")).StatusCode);
        await HttpSteps.AssertProblemAsync(await bobHttp.GetAsync($"/api/attachments/{upload.Id}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task An_upload_no_message_carried_within_its_lifetime_is_deleted_and_a_sent_or_younger_one_stays()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        using var http = System.Http(alice.Token);
        var forgotten = await http.UploadAsync(room, "draft.txt", "never sent"u8.ToArray());
        var sent = await http.UploadAsync(room, "kept.txt", "sent long ago"u8.ToArray());
        await alice.SendWithAsync(room, "here it is", sent.Id);
        var fresh = await http.UploadAsync(room, "new.txt", "about to be sent"u8.ToArray());
        // Two of them uploaded two days ago, as far as the database knows: past the 24 h default.
        Assert.Equal(2, await Sql.ScalarAsync<int>(System.Database.ConnectionString,
            "WITH aged AS (UPDATE attachments SET created_at = created_at - interval '2 days' WHERE id = ANY($1) RETURNING 1) SELECT count(*)::int FROM aged",
            new[] { forgotten.Id, sent.Id }));

        Assert.True(await System.GatewayServices.GetRequiredService<ChatApp.Gateway.Attachments.UnsentUploadSweep>().SweepAsync(CancellationToken.None) >= 1);

        await HttpSteps.AssertProblemAsync(await http.GetAsync($"/api/attachments/{forgotten.Id}"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/attachments/{sent.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/attachments/{fresh.Id}")).StatusCode);
    }

    [Fact]
    public async Task Deleting_the_message_ends_access_to_its_files_for_everyone()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room, aliceHttp, bobHttp) = pair;
        var upload = await aliceHttp.UploadAsync(room, "oops.png", TestImages.Png(50, 50));
        var seq = await alice.SendWithAsync(room, "wrong picture", upload.Id);
        Assert.Equal(HttpStatusCode.OK, (await bobHttp.GetAsync($"/api/attachments/{upload.Id}")).StatusCode);

        await alice.DeleteAsync(room, seq);

        foreach (var http in new[] { aliceHttp, bobHttp })
        {
            await HttpSteps.AssertProblemAsync(await http.GetAsync($"/api/attachments/{upload.Id}"), HttpStatusCode.NotFound, "not_found");
            await HttpSteps.AssertProblemAsync(await http.GetAsync($"/api/attachments/{upload.Id}/thumbnail"), HttpStatusCode.NotFound, "not_found");
        }
        Assert.Empty((await bob.HistoryAsync(room)).Messages.Single(m => m.Seq == seq).Attachments!);
        Assert.Empty(await Sql.QueryAsync(System.Database.ConnectionString, "SELECT 1 FROM attachments WHERE id = $1", upload.Id));
        Assert.Empty(await Sql.QueryAsync(System.Database.ConnectionString, "SELECT 1 FROM attachment_chunks WHERE attachment = $1", upload.Id));
    }

    [Fact]
    public async Task A_file_is_stored_as_chunks_and_served_back_byte_for_byte()
    {
        var (room, http) = await MemberAsync();
        // Two whole chunks of 8,000 bytes and a piece of a third.
        var bytes = new byte[16_001];
        new Random(14).NextBytes(bytes);

        var upload = await http.UploadAsync(room, "data.bin", bytes);

        Assert.Equal(bytes, await http.GetByteArrayAsync($"/api/attachments/{upload.Id}"));
        var chunks = await Sql.QueryAsync(System.Database.ConnectionString,
            "SELECT n, octet_length(bytes) FROM attachment_chunks WHERE attachment = $1 ORDER BY n", upload.Id);
        Assert.Equal(["0: 8000", "1: 8000", "2: 1"], chunks.Select(row => $"{row[0]}: {row[1]}"));
    }

    [Fact]
    public async Task A_file_stored_whole_in_its_row_before_chunks_is_still_served()
    {
        var (room, http) = await MemberAsync();
        var user = await UserOfAsync(http);
        var id = Guid.NewGuid();
        var bytes = "written by an older version\n"u8.ToArray();
        // The row as the store wrote it before sql/0023: the bytes in attachments.content.
        await Sql.QueryAsync(System.Database.ConnectionString, """
            INSERT INTO attachments (id, room, uploader, name, content_type, size, content, created_at)
            VALUES ($1, $2, $3, 'old.txt', 'text/plain', $4, $5, now()) RETURNING 1
            """, id, room, user, (long)bytes.Length, bytes);

        using var file = await http.GetAsync($"/api/attachments/{id}");

        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(bytes, await file.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_content_type_comes_from_the_bytes_not_the_name_or_the_clients_header()
    {
        var (room, http) = await MemberAsync();
        var cases = new (string Name, byte[] Bytes, string Expected, string Disposition)[]
        {
            ("notes.txt", TestImages.Png(8, 8), "image/png", "inline"),
            ("photo.png", "just words, honestly\n"u8.ToArray(), "text/plain", "attachment"),
            ("report.jpg", "%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n"u8.ToArray(), "application/pdf", "attachment"),
            ("song.gif", [0x00, 0x01, 0x02, 0xFE, 0xFF, 0x00, 0x10], "application/octet-stream", "attachment"),
        };

        foreach (var (name, bytes, expected, disposition) in cases)
        {
            var upload = await http.UploadAsync(room, name, bytes, claimedType: "text/html");
            Assert.Equal(expected, upload.ContentType);
            using var served = await http.GetAsync($"/api/attachments/{upload.Id}");
            AssertServedAs(served, expected, disposition);
        }
    }

    [Fact]
    public async Task Svg_and_html_are_served_as_downloads_never_inline()
    {
        var (room, http) = await MemberAsync();
        var svg = """<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>"""u8.ToArray();
        var html = "<!doctype html><html><body><script>fetch('/api/me')</script></body></html>"u8.ToArray();

        foreach (var (name, bytes) in new[] { ("logo.svg", svg), ("page.html", html) })
        {
            var upload = await http.UploadAsync(room, name, bytes, claimedType: name.EndsWith("svg") ? "image/svg+xml" : "text/html");
            using var served = await http.GetAsync($"/api/attachments/{upload.Id}");
            AssertServedAs(served, "text/plain", "attachment");
            Assert.Equal(name, served.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        }
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_with_413_whether_or_not_it_declares_its_length()
    {
        var (room, http) = await MemberAsync();
        var user = await UserOfAsync(http);
        var tooBig = new byte[SmallUploadsFixture.MaxBytes + 1];
        Random.Shared.NextBytes(tooBig);

        await HttpSteps.AssertProblemAsync(await http.PostFileAsync(room, "big.bin", tooBig), HttpStatusCode.RequestEntityTooLarge, "too_large");
        // A body of unknown length is refused once the reading passes the limit. The server stops
        // reading there, so a client still writing may see its connection cut before it reads the
        // 413 (HTTP/1.1 has no way round that but Expect: 100-continue); either way nothing is stored.
        var streamed = new StreamContent(new UnknownLengthStream(tooBig));
        try
        {
            using var chunked = await http.PostAsync($"/api/rooms/{room}/attachments?name=big.bin", streamed);
            Assert.Null(chunked.RequestMessage!.Content!.Headers.ContentLength);
            await HttpSteps.AssertProblemAsync(chunked, HttpStatusCode.RequestEntityTooLarge, "too_large");
        }
        catch (HttpRequestException cut) when (cut.InnerException is IOException)
        {
            // Cut off while writing past the limit: refused all the same.
        }

        Assert.Empty(await Sql.QueryAsync(System.Database.ConnectionString, "SELECT 1 FROM attachments WHERE uploader = $1", user));
        // The bound is the file's size: one of exactly the limit is taken.
        await http.UploadAsync(room, "just-fits.bin", tooBig[..^1]);
    }

    [Fact]
    public async Task A_file_sent_without_its_length_arrives_whole()
    {
        var (room, http) = await MemberAsync();
        // Larger than the first buffer the server takes for a body of unknown length (64 KiB): it grows.
        var bytes = new byte[200 * 1024 + 7];
        Random.Shared.NextBytes(bytes);

        using var response = await http.PostAsync($"/api/rooms/{room}/attachments?name=streamed.bin", new StreamContent(new UnknownLengthStream(bytes)));

        Assert.Null(response.RequestMessage!.Content!.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var upload = (await response.Content.ReadFromJsonAsync<Attachment>())!;
        Assert.Equal(bytes.Length, upload.Size);
        Assert.Equal(bytes, await http.GetByteArrayAsync($"/api/attachments/{upload.Id}"));
    }

    [Fact]
    public async Task The_bytes_are_stored_as_they_came_without_a_compression_attempt()
    {
        // Uploads are nearly always compressed already, so PostgreSQL's attempt is wasted CPU
        // (sql/0019, sql/0023): even bytes that would compress well are kept whole.
        var (room, http) = await MemberAsync();
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("the same line again and again\n", 4000)));

        var upload = await http.UploadAsync(room, "repeats.txt", text);

        var (stored, compressed) = (await Sql.QueryAsync(System.Database.ConnectionString, """
            SELECT sum(octet_length(bytes)), count(*) FILTER (WHERE pg_column_size(bytes) < octet_length(bytes))
            FROM attachment_chunks WHERE attachment = $1
            """, upload.Id)).Select(row => (Convert.ToInt64(row[0]), Convert.ToInt64(row[1]))).Single();
        Assert.Equal(text.Length, stored);
        Assert.Equal(0, compressed);
    }

    [Fact]
    public async Task An_upload_cut_short_stores_nothing()
    {
        var (name, token) = await System.RegisterAsync("cutter");
        await using (var socket = await ChatTestClient.ConnectGreetedAsync(System.SocketUri, name, token))
        {
            var room = Fresh.Room();
            await socket.JoinAsync(room);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(System.BaseUri.Host, System.BaseUri.Port);
            var stream = tcp.GetStream();
            var head = $"POST /api/rooms/{room}/attachments?name=cut.bin HTTP/1.1\r\nHost: {System.BaseUri.Authority}\r\n" +
                $"Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(new byte[40_000]);
            await stream.FlushAsync();
            // A pause before the end, so that the server has read what came (else it may fail the
            // read before taking any of it, and the test would not show that a part is never stored).
            // Kept as a sleep: how much of a request body the server has read is nothing a test can see.
            await Task.Delay(TimeSpan.FromSeconds(1));
            tcp.Client.Shutdown(SocketShutdown.Send);
            // Whatever the server answers (an error, or a reset), the connection ends.
            var answer = new byte[4096];
            try
            {
                while (await stream.ReadAsync(answer) > 0)
                {
                }
            }
            catch (IOException)
            {
                // Reset by the server: the request is over all the same.
            }
        }

        // The connection may close before the request's handler has finished, so a stored row could
        // appear a moment later: absence is watched for a while (an upload lands in milliseconds), so
        // the pause below only paces the checks of "nothing arrives within 3 s".
        var watchUntil = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < watchUntil)
        {
            Assert.Empty(await Sql.QueryAsync(System.Database.ConnectionString, "SELECT 1 FROM attachments WHERE uploader = $1", name));
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_polyglot_is_served_as_what_it_decodes_as_and_never_runs()
    {
        var (room, http) = await MemberAsync();
        var script = "<html><script>fetch('/api/me')</script></html>"u8.ToArray();
        // A real image with a page after its end: an image, inline, in a response that cannot run script.
        var imageThenPage = TestImages.Png(16, 16).Concat(script).ToArray();
        // An image's header (16 × 16 pixels) with a page behind it: no image, so only ever a download.
        var magicThenPage = "GIF89a"u8.ToArray().Concat(new byte[] { 16, 0, 16, 0, 0, 0, 0 }).Concat(script).ToArray();

        var image = await http.UploadAsync(room, "trick.png", imageThenPage, "text/html");
        var fake = await http.UploadAsync(room, "trick.gif", magicThenPage, "text/html");

        using (var served = await http.GetAsync($"/api/attachments/{image.Id}"))
        {
            AssertServedAs(served, "image/png", "inline");
        }
        Assert.Equal(("application/octet-stream", false), (fake.ContentType, fake.HasThumbnail));
        using (var served = await http.GetAsync($"/api/attachments/{fake.Id}"))
        {
            AssertServedAs(served, "application/octet-stream", "attachment");
        }
    }

    [Fact]
    public async Task A_file_name_with_a_path_keeps_only_its_last_segment()
    {
        var (room, http) = await MemberAsync();

        var traversal = await http.UploadAsync(room, "../../etc/passwd", "root:x:0:0\n"u8.ToArray());
        var windows = await http.UploadAsync(room, "..\\..\\boot.ini", "[boot]\n"u8.ToArray());
        var header = await http.UploadAsync(room, "a\"b\r\nSet-Cookie: x=1.txt", "hi\n"u8.ToArray());
        var dots = await http.UploadAsync(room, "..", "dots\n"u8.ToArray());

        Assert.Equal(["passwd", "boot.ini", "abSet-Cookie x=1.txt", "file"], new[] { traversal.Name, windows.Name, header.Name, dots.Name });
        using var served = await http.GetAsync($"/api/attachments/{header.Id}");
        Assert.False(served.Headers.Contains("Set-Cookie"));
        Assert.Equal("abSet-Cookie x=1.txt", served.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
    }

    [Fact]
    public async Task An_image_declaring_huge_dimensions_is_refused_before_it_is_decoded()
    {
        var (room, http) = await MemberAsync();
        var bomb = TestImages.PngDeclaring(100_000, 100_000);
        Assert.True(bomb.Length < 100);

        var refused = await HttpSteps.AssertProblemAsync(await http.PostFileAsync(room, "bomb.png", bomb), HttpStatusCode.BadRequest, "validation");

        Assert.Empty(await Sql.QueryAsync(System.Database.ConnectionString, "SELECT 1 FROM attachments WHERE uploader = $1", await UserOfAsync(http)));
        Assert.Equal(400, refused.Status);
    }

    [Fact]
    public async Task Uploads_past_the_user_or_room_quota_are_refused_with_quota_exceeded()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room, aliceHttp, bobHttp) = pair;
        var quarter = new byte[250 * 1024];
        Random.Shared.NextBytes(quarter);

        // 250 KiB each: alice's third would take her to 750 KiB, over her 600 KiB.
        await aliceHttp.UploadAsync(room, "1.bin", quarter);
        await aliceHttp.UploadAsync(room, "2.bin", quarter);
        await HttpSteps.AssertProblemAsync(await aliceHttp.PostFileAsync(room, "3.bin", quarter), HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
        // bob's second would take the room to 1,000 KiB, over its 900 KiB, though bob is under his own.
        await bobHttp.UploadAsync(room, "4.bin", quarter);
        await HttpSteps.AssertProblemAsync(await bobHttp.PostFileAsync(room, "5.bin", quarter), HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
        // Elsewhere bob still has room of his own.
        var other = Fresh.Room();
        await bob.JoinAsync(other);
        await bobHttp.UploadAsync(other, "6.bin", quarter);
    }

    [Fact]
    public async Task Only_the_uploader_may_attach_an_upload_only_in_its_room_and_only_once()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        var room = Fresh.Room();
        var elsewhere = Fresh.Room();
        await alice.JoinAsync(room);
        await alice.JoinAsync(elsewhere);
        await bob.JoinAsync(room);
        using var aliceHttp = System.Http(alice.Token);
        var upload = await aliceHttp.UploadAsync(room, "mine.png", TestImages.Png(8, 8));

        async Task AssertRefused(ChatTestClient client, string where)
        {
            var answer = await client.RequestAsync("send", new { room = where, clientMsgId = Fresh.MsgId(), text = "x", attachments = new[] { upload.Id } });
            Assert.Equal("not_found", Assert.IsType<ErrorFrame>(answer).Code);
        }
        await AssertRefused(bob, room);
        await AssertRefused(alice, elsewhere);
        await alice.SendWithAsync(room, "", upload.Id);
        await AssertRefused(alice, room);
    }

    [Fact]
    public async Task Uploads_past_the_writers_allowed_wait_their_turn_to_write_into_PostgreSQL_in_the_order_they_came()
    {
        var (firstRoom, firstHttp) = await MemberAsync();
        var (secondRoom, secondHttp) = await MemberAsync();
        var firstUser = await UserOfAsync(firstHttp);
        // The first uploader's quota lock is held elsewhere, so the first upload waits inside its write.
        await using var holder = new NpgsqlConnection(System.Database.ConnectionString);
        await holder.OpenAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_lock(18001, hashtext($1))", holder))
        {
            hold.Parameters.Add(new() { Value = firstUser });
            await hold.ExecuteNonQueryAsync();
        }

        var first = firstHttp.UploadAsync(firstRoom, "first.bin", Bytes(1));
        await Eventually.Until(async () => await WaitersForAsync(holder, firstUser) == 1, "the first upload waiting for the held lock");
        var second = secondHttp.UploadAsync(secondRoom, "second.bin", Bytes(2));

        // Another user, another room, no lock of its own in the way: only its turn keeps it waiting
        // (this system lets one upload write at a time).
        // (Three seconds is a bound on a wait that never ends while the first write is held.)
        Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(3))));
        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", holder))
        {
            await release.ExecuteNonQueryAsync();
        }
        var (firstId, secondId) = ((await first).Id, (await second).Id);

        // Written in that order: the second row's transaction began after the first's.
        await using var order = new NpgsqlCommand("SELECT id FROM attachments WHERE id = ANY($1) ORDER BY xmin::text::bigint", holder);
        order.Parameters.Add(new() { Value = new[] { firstId, secondId } });
        await using var reader = await order.ExecuteReaderAsync();
        var written = new List<Guid>();
        while (await reader.ReadAsync())
        {
            written.Add(reader.GetGuid(0));
        }
        Assert.Equal([firstId, secondId], written);
    }

    private static byte[] Bytes(byte fill) => Enumerable.Repeat(fill, 64 * 1024).ToArray();

    /// <summary>How many sessions wait for the user's upload lock (key 18001 and the name's hash).</summary>
    private static async Task<long> WaitersForAsync(NpgsqlConnection connection, string user)
    {
        await using var count = new NpgsqlCommand("""
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND classid = 18001 AND objid::bigint = (hashtext($1)::bigint & 4294967295)
            """, connection);
        count.Parameters.Add(new() { Value = user });
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private async Task<(string Room, HttpClient Http)> MemberAsync()
    {
        var (name, token) = await System.RegisterAsync("uploader");
        await using var client = await ChatTestClient.ConnectGreetedAsync(System.SocketUri, name, token);
        var room = Fresh.Room();
        await client.JoinAsync(room);
        return (room, System.Http(token));
    }

    private static async Task<string> UserOfAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/me")).GetProperty("user").GetProperty("name").GetString()!;

    /// <summary>The headers that make a file response safe whatever it holds.</summary>
    private static void AssertServedAs(HttpResponseMessage response, string contentType, string disposition)
    {
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("sandbox; default-src 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal(disposition, response.Content.Headers.ContentDisposition?.DispositionType);
    }

    /// <summary>A body whose length the client cannot know beforehand, so it goes chunked, without Content-Length.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
