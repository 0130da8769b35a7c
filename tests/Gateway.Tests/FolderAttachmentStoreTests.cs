using System.Net;
using ChatApp.Defaults;
using ChatApp.Gateway.Attachments;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>One system whose uploads' bytes live in a folder of its own (Attachments:Store = Folder), with small quotas.</summary>
public sealed class FolderUploadsFixture : ChatSystemFixture
{
    public const int UserQuotaBytes = 600 * 1024;

    public FolderUploadsFixture()
        : this(Path.Combine(Path.GetTempPath(), $"chatapp-uploads-{Guid.NewGuid():N}"))
    {
    }

    private FolderUploadsFixture(string folder)
        : base(new Dictionary<string, string>(ChatSystem.RoomyLimits)
        {
            ["Attachments:Store"] = "Folder",
            ["Attachments:Folder"] = folder,
            ["Attachments:UserQuotaBytes"] = $"{UserQuotaBytes}",
        }) => Folder = folder;

    public string Folder { get; }

    public FolderAttachmentStore Store => (FolderAttachmentStore)System.GatewayServices.GetRequiredService<IAttachmentStore>();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>
/// The folder store: the bytes are files, the records rows, and everything a member or a stranger
/// sees is what the default store shows (AttachmentsTests); what differs is where the bytes are
/// and how they are given back.
/// </summary>
public sealed class FolderAttachmentStoreTests(FolderUploadsFixture fixture) : IClassFixture<FolderUploadsFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task An_upload_is_a_file_on_disk_when_it_is_accepted_and_is_served_to_members_only()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room, aliceHttp, bobHttp) = pair;
        var picture = TestImages.Png(400, 300);

        var upload = await aliceHttp.UploadAsync(room, "holiday.png", picture);

        Assert.Equal(picture, await File.ReadAllBytesAsync(fixture.Store.PathOf(upload.Id)));
        Assert.True(await Sql.ScalarAsync<bool>(System.Database.ConnectionString,
            "SELECT content IS NULL AND thumbnail IS NOT NULL FROM attachments WHERE id = $1", upload.Id));
        await alice.SendWithAsync(room, "look", upload.Id);
        using var file = await bobHttp.GetAsync($"/api/attachments/{upload.Id}");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(picture, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        using var thumbnail = await bobHttp.GetAsync($"/api/attachments/{upload.Id}/thumbnail");
        Assert.Equal((320, 240), TestImages.SizeOf(await thumbnail.Content.ReadAsByteArrayAsync()));
        var (_, strangerToken) = await System.RegisterAsync("mallory");
        using var stranger = System.Http(strangerToken);
        await HttpSteps.AssertProblemAsync(await stranger.GetAsync($"/api/attachments/{upload.Id}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Deleting_the_message_ends_access_at_once_and_the_sweep_then_deletes_its_bytes()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        using var http = System.Http(alice.Token);
        var gone = await http.UploadAsync(room, "oops.txt", "wrong file"u8.ToArray());
        var kept = await http.UploadAsync(room, "right.txt", "right file"u8.ToArray());
        var seq = await alice.SendWithAsync(room, "wrong", gone.Id);
        await alice.SendWithAsync(room, "right", kept.Id);

        await alice.DeleteAsync(room, seq);

        await HttpSteps.AssertProblemAsync(await http.GetAsync($"/api/attachments/{gone.Id}"), HttpStatusCode.NotFound, "not_found");
        // Both files older than the sweep's grace (a file is written before its row, so a young one is left alone).
        foreach (var id in new[] { gone.Id, kept.Id })
        {
            File.SetLastWriteTimeUtc(fixture.Store.PathOf(id), DateTime.UtcNow - FolderAttachmentStore.OrphanAge - TimeSpan.FromMinutes(1));
        }
        await System.GatewayServices.GetRequiredService<UnsentUploadSweep>().SweepAsync(CancellationToken.None);

        Assert.False(File.Exists(fixture.Store.PathOf(gone.Id)));
        Assert.True(File.Exists(fixture.Store.PathOf(kept.Id)));
        Assert.Equal("right file"u8.ToArray(), await http.GetByteArrayAsync($"/api/attachments/{kept.Id}"));
    }

    [Fact]
    public async Task An_upload_refused_by_a_quota_leaves_no_file_behind()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        using var http = System.Http(alice.Token);
        var big = new byte[FolderUploadsFixture.UserQuotaBytes / 2 + 1];
        Random.Shared.NextBytes(big);
        await http.UploadAsync(room, "1.bin", big);
        var before = Files();

        await HttpSteps.AssertProblemAsync(await http.PostFileAsync(room, "2.bin", big), HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");

        // Other tests upload meanwhile: none of the files that appeared holds the refused bytes.
        Assert.DoesNotContain(Files().Except(before), path => File.ReadAllBytes(path).AsSpan().SequenceEqual(big));
    }

    [Fact]
    public async Task A_file_stored_in_its_row_before_the_folder_was_chosen_is_still_served()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        using var http = System.Http(alice.Token);
        var old = new NewUpload(Guid.NewGuid(), room, alice.User, "old.txt", "text/plain", "from before"u8.ToArray(), null, DateTime.UtcNow);
        var rows = System.GatewayServices.GetRequiredService<PostgresAttachmentStore>();
        Assert.Equal(UploadOutcome.Stored, await rows.Add(old, long.MaxValue, long.MaxValue, CancellationToken.None));

        Assert.Equal("from before"u8.ToArray(), await http.GetByteArrayAsync($"/api/attachments/{old.Id}"));
    }

    [Fact]
    public void The_folder_store_without_a_folder_is_refused_when_the_gateway_starts()
    {
        var refused = Assert.Throws<OptionsValidationException>(() =>
            ValidatedOptions.Validate<AttachmentOptions>(o => o.Store = AttachmentStoreKind.Folder));
        Assert.Contains("Attachments:Folder", refused.Message);
    }

    private string[] Files() => Directory.GetFiles(fixture.Folder, "*", SearchOption.AllDirectories);
}
