using System.Text.Json;
using System.Text.RegularExpressions;
using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>@mentions: the highlight, the mark in the room list, and the browser notification.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class MentionTests(BrowserFixture fixture)
{
    // Records every notification the page makes and every permission request, in window arrays the
    // test reads; the real constructor still runs, so the page meets the browser's own behaviour.
    private const string RecordNotifications = """
        window.__notifications = [];
        window.__permissionRequests = 0;
        if (typeof window.Notification === 'function') {
          const Original = window.Notification;
          window.Notification = class extends Original {
            constructor(title, options) {
              window.__notifications.push({ title, body: options?.body ?? null });
              super(title, options);
            }
          };
          const ask = Original.requestPermission.bind(Original);
          window.Notification.requestPermission = (...args) => { window.__permissionRequests++; return ask(...args); };
        }
        """;

    private static async Task Notifying(IBrowserContext context)
    {
        await context.GrantPermissionsAsync(["notifications"]);
        await context.AddInitScriptAsync(RecordNotifications);
    }

    [Fact]
    public async Task A_mention_in_another_room_marks_it_notifies_and_is_highlighted_there_also_after_a_reload()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice", prepare: Notifying);
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var lively = Fresh.Room();
        var elsewhere = Fresh.Room();
        await alice.JoinAsync(lively);
        await alice.JoinAsync(elsewhere);
        await bob.JoinAsync(lively);
        // Allowed already: nothing to offer.
        await Expect(alice.Page.Locator("#enable-notifications")).ToBeHiddenAsync();

        var plain = await bob.SendConfirmedAsync("nothing for anyone");
        var text = $"hi @{alice.Name}, got a minute?";
        var mention = await bob.SendConfirmedAsync(text);

        await Expect(alice.MentionMark(lively)).ToBeVisibleAsync();
        await Expect(alice.UnreadBadge(lively)).ToHaveTextAsync("2");
        await Expect(alice.MentionMark(elsewhere)).ToHaveCountAsync(0);
        await alice.Page.WaitForFunctionAsync("() => window.__notifications.length > 0");
        var notifications = await alice.Page.EvaluateAsync<JsonElement>("() => window.__notifications");
        var notification = Assert.Single(notifications.EnumerateArray());
        Assert.Equal($"{bob.Name} mentioned you in {lively}", notification.GetProperty("title").GetString());
        Assert.Equal(text, notification.GetProperty("body").GetString());

        await alice.OpenFromListAsync(lively);
        await Expect(alice.MessageAt(mention)).ToHaveClassAsync(Mention());
        await Expect(alice.MessageAt(plain)).Not.ToHaveClassAsync(Mention());
        await Expect(alice.MentionMark(lively)).ToHaveCountAsync(0);
        // Bob wrote it: nothing on his page names him.
        await Expect(bob.MessageAt(mention)).Not.ToHaveClassAsync(Mention());
        // The page never asks for the permission by itself, on this load or the next.
        Assert.Equal(0, await alice.Page.EvaluateAsync<int>("() => window.__permissionRequests"));

        // From history, with no mention frame to go by, the text says it.
        await alice.Page.ReloadAsync();
        await Expect(alice.ConnectionState).ToHaveTextAsync("connected");
        await Expect(alice.CurrentRoom).ToHaveTextAsync(lively);
        await Expect(alice.MessageAt(mention)).ToHaveClassAsync(Mention());
        await Expect(alice.MessageAt(plain)).Not.ToHaveClassAsync(Mention());
        await Expect(alice.MentionMark(lively)).ToHaveCountAsync(0);
        Assert.Equal(0, await alice.Page.EvaluateAsync<int>("() => window.__permissionRequests"));
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    [Fact]
    public async Task A_rooms_mark_for_an_unread_mention_survives_a_reload_and_goes_once_the_room_is_read()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var lively = Fresh.Room();
        var elsewhere = Fresh.Room();
        await alice.JoinAsync(lively);
        await bob.JoinAsync(lively);
        await alice.JoinAsync(elsewhere);

        await bob.SendConfirmedAsync($"@{alice.Name} are you there?");
        await Expect(alice.MentionMark(lively)).ToBeVisibleAsync();
        await alice.Page.ReloadAsync();

        // No mention frame comes after a reload: the mark is the server's count of unread mentions.
        await Expect(alice.ConnectionState).ToHaveTextAsync("connected");
        await Expect(alice.CurrentRoom).ToHaveTextAsync(elsewhere);
        await Expect(alice.MentionMark(lively)).ToBeVisibleAsync();
        await alice.OpenFromListAsync(lively);
        await Expect(alice.MentionMark(lively)).ToHaveCountAsync(0);
        await alice.OpenFromListAsync(elsewhere);
        await alice.WaitUntilServerCountsAsync(fixture.System, lively, "mentions", 0);
        await alice.Page.ReloadAsync();
        await Expect(alice.ConnectionState).ToHaveTextAsync("connected");
        await Expect(alice.CurrentRoom).ToHaveTextAsync(elsewhere);
        await Expect(alice.MentionMark(lively)).ToHaveCountAsync(0);
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    [Fact]
    public async Task Notifications_are_asked_for_only_from_the_button_which_then_goes_away()
    {
        await using var alice = await ChatPage.OpenAsync(fixture, "alice", prepare: context => context.AddInitScriptAsync(RecordNotifications));
        var button = alice.Page.Locator("#enable-notifications");
        await Expect(button).ToBeHiddenAsync();
        await alice.RegisterAsync(Fresh.User("alice"));
        Assert.Equal("default", await alice.Page.EvaluateAsync<string>("() => Notification.permission"));
        await Expect(button).ToBeVisibleAsync();
        Assert.Equal(0, await alice.Page.EvaluateAsync<int>("() => window.__permissionRequests"));

        await button.ClickAsync();

        // Headless Chromium answers every prompt with a denial; any answer ends the offer.
        await Expect(button).ToBeHiddenAsync();
        Assert.Equal(1, await alice.Page.EvaluateAsync<int>("() => window.__permissionRequests"));
        Assert.Equal("denied", await alice.Page.EvaluateAsync<string>("() => Notification.permission"));
        alice.AssertNoProblems();
    }

    [GeneratedRegex(@"(^|\s)mention(\s|$)")]
    private static partial Regex Mention();
}
