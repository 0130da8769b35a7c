using System.Text.RegularExpressions;
using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// The page people expect of a chat: the conversation read in groups and days, where the unread
/// start, a way back down to the latest, @-completion, rooms from the keyboard, a dark theme, and
/// axe finding nothing serious.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ConversationViewTests(BrowserFixture fixture)
{
    private const string LightBackground = "rgb(246, 247, 249)";
    private const string DarkBackground = "rgb(20, 23, 28)";

    [Fact]
    public async Task A_senders_messages_form_one_group_under_a_day_line_unread_ones_start_under_a_new_messages_line_and_jump_to_latest_counts_what_came_meanwhile()
    {
        using var seeder = await ApiUser.RegisterAsync(fixture.System, "seed");
        var room = Fresh.Room();
        await seeder.CreateRoomAsync(room);
        await seeder.SendAllAsync(room, Enumerable.Range(1, 30).Select(i => $"filler {i}"));
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        await bob.JoinAsync(room);

        // The list is a log named for its room, under one line for the day.
        var log = bob.Page.GetByRole(AriaRole.Log, new() { Name = room });
        await Expect(log.Locator("li.message")).ToHaveCountAsync(30);
        await Expect(bob.Page.Locator("#messages li.day-line")).ToHaveTextAsync(["Today"]);
        // One sender within minutes: the name and time once, the time of the others on hover.
        var first = bob.StoredMessage("filler 1");
        var second = bob.StoredMessage("filler 2");
        await Expect(first).Not.ToHaveClassAsync(Continued());
        await Expect(second).ToHaveClassAsync(Continued());
        Assert.True(await ShownAsync(first.Locator(".sender")));
        Assert.True(await ShownAsync(first.Locator(".time")));
        Assert.False(await ShownAsync(second.Locator(".sender")));
        Assert.False(await ShownAsync(second.Locator(".time")));
        await second.HoverAsync();
        Assert.True(await ShownAsync(second.Locator(".time")));
        // The server stamps messages, so one test cannot send on two days: the page's own rule says
        // where a day line goes and that a group ends at midnight.
        var days = await bob.Page.EvaluateAsync<string[]>("""
            async () => {
              const g = await import('/js/grouping.js');
              const now = new Date('2026-03-10T12:00:00Z');
              const at = (ts) => ({ kind: 'message', sender: 'a', ts });
              return [g.dayLabel('2026-03-10T08:00:00Z', now), g.dayLabel('2026-03-09T23:00:00Z', now),
                g.dayLabel('2026-03-01T10:00:00Z', now), g.dayLabel('2025-12-24T10:00:00Z', now),
                String(g.continues(at('2026-03-09T23:58:00Z'), at('2026-03-10T00:01:00Z'))),
                String(g.continues(at('2026-03-10T10:00:00Z'), at('2026-03-10T10:06:00Z')))];
            }
            """);
        Assert.Equal(["Today", "Yesterday", "Sunday, March 1", "Wednesday, December 24, 2025", "false", "false"], days);

        // Away in another room, two messages come: back in the room, they start under "New messages".
        await bob.JoinAsync(Fresh.Room());
        await seeder.SendAllAsync(room, ["first unseen", "second unseen"]);
        await Expect(bob.UnreadBadge(room)).ToHaveTextAsync("2");
        await bob.OpenFromListAsync(room);
        await Expect(bob.Page.Locator("#messages li.new-line")).ToHaveTextAsync("New messages");
        await Expect(bob.Page.Locator("#messages li.new-line + li.message .text")).ToHaveTextAsync("first unseen");
        await Expect(bob.StoredMessage("first unseen")).Not.ToHaveClassAsync(Continued());

        // Scrolled up, the way down counts what arrives meanwhile.
        await bob.ScrollMessagesToTopAsync();
        var jump = bob.Page.Locator("#jump-latest");
        await Expect(jump).ToHaveTextAsync("Jump to latest");
        await seeder.SendAllAsync(room, ["while away 1", "while away 2"]);
        await Expect(jump).ToHaveTextAsync("Jump to latest (2 new)");
        await Expect(bob.StoredMessage("while away 2")).Not.ToBeInViewportAsync();
        await jump.ClickAsync();
        await Expect(bob.StoredMessage("while away 2")).ToBeInViewportAsync();
        await Expect(jump).ToBeHiddenAsync();
        await Expect(bob.Page.Locator("#composer")).ToBeFocusedAsync();
        bob.AssertNoProblems();
    }

    [Fact]
    public async Task The_composer_completes_member_names_after_an_at_sign_alt_arrows_move_between_rooms_and_the_dark_theme_is_remembered()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        using var bob = await ApiUser.RegisterAsync(fixture.System, "bob");
        using var carol = await ApiUser.RegisterAsync(fixture.System, "carol");
        // Two rooms nothing else sorts between, whatever other tests made.
        string prefix = Fresh.Room("keys");
        var (talk, other) = ($"{prefix}-a", $"{prefix}-b");
        await alice.JoinAsync(talk);
        await bob.JoinAsync(talk);
        await carol.JoinAsync(talk);
        await Expect(alice.Members).ToHaveCountAsync(3);

        // "@" offers the others; arrows choose, Esc closes, Tab and Enter put the name in.
        var composer = alice.Page.Locator("#composer");
        var options = alice.Page.GetByRole(AriaRole.Listbox, new() { Name = "Members to mention" }).GetByRole(AriaRole.Option);
        await composer.PressSequentiallyAsync("thanks @");
        await Expect(options).ToHaveTextAsync([$"@{bob.Name}", $"@{carol.Name}"]);
        await Expect(options.First).ToHaveAttributeAsync("aria-selected", "true");
        await composer.PressAsync("ArrowDown");
        await Expect(options.Nth(1)).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(composer).ToHaveAttributeAsync("aria-activedescendant", "mention-option-1");
        await composer.PressAsync("Escape");
        await Expect(options).ToHaveCountAsync(0);
        await composer.PressSequentiallyAsync("b");
        await Expect(options).ToHaveTextAsync([$"@{bob.Name}"]);
        await composer.PressAsync("Tab");
        await Expect(composer).ToHaveValueAsync($"thanks @{bob.Name} ");
        await composer.PressSequentiallyAsync("and @c");
        await composer.PressAsync("Enter");
        await Expect(composer).ToHaveValueAsync($"thanks @{bob.Name} and @{carol.Name} ");
        await composer.PressAsync("Enter");
        await Expect(composer).ToHaveValueAsync("");
        await Expect(alice.StoredMessage($"thanks @{bob.Name} and @{carol.Name}")).ToHaveCountAsync(1);

        // Alt+↑ and Alt+↓ move between rooms, even from the composer (where ↑ edits the last message).
        await alice.JoinAsync(other);
        await composer.FocusAsync();
        await alice.Page.Keyboard.PressAsync("Alt+ArrowUp");
        await Expect(alice.CurrentRoom).ToHaveTextAsync(talk);
        await Expect(alice.Page.Locator(".edit-input")).ToHaveCountAsync(0);
        await alice.Page.Keyboard.PressAsync("Alt+ArrowDown");
        await Expect(alice.CurrentRoom).ToHaveTextAsync(other);
        await Expect(alice.Page.Locator(".help")).ToContainTextAsync("previous / next room");

        // Dark mode from the toggle, remembered across a reload.
        var toggle = alice.Page.Locator("#theme-toggle");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.Equal(LightBackground, await BackgroundAsync(alice.Page));
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Equal(DarkBackground, await BackgroundAsync(alice.Page));
        await alice.Page.ReloadAsync();
        await Expect(alice.ConnectionState).ToHaveTextAsync("connected");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Equal(DarkBackground, await BackgroundAsync(alice.Page));
        alice.AssertNoProblems();

        // A system that prefers dark gets it unasked; choosing light there wins, and is remembered.
        await using var dora = await ChatPage.OpenAsync(fixture, "dora");
        // In front: Chromium tells a page's media-query listeners of a change only when it renders
        // the page, and a page behind another may not be rendered for a long while.
        await dora.Page.BringToFrontAsync();
        await dora.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        var doraToggle = dora.Page.Locator("#theme-toggle");
        Assert.Equal(DarkBackground, await BackgroundAsync(dora.Page));
        await Expect(doraToggle).ToHaveAttributeAsync("aria-pressed", "true");
        await doraToggle.ClickAsync();
        await Expect(doraToggle).ToHaveAttributeAsync("aria-pressed", "false");
        await dora.Page.ReloadAsync();
        await Expect(doraToggle).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.Equal(LightBackground, await BackgroundAsync(dora.Page));
        dora.AssertNoProblems();
    }

    [Fact]
    public async Task Axe_finds_nothing_serious_on_the_page_signed_out_or_in_a_room_of_messages_in_either_theme()
    {
        await using var alice = await ChatPage.OpenAsync(fixture, "alice");
        await Accessibility.AssertNoSeriousViolationsAsync(alice.Page, "the sign-in form");

        await alice.RegisterAsync(Fresh.User("alice"));
        using var bob = await ApiUser.RegisterAsync(fixture.System, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var question = await bob.SendAsync(room, "shall we ship on friday?");
        await bob.SendAsync(room, $"@{alice.Name} you decide");
        var mine = await alice.SendConfirmedAsync("friday it is");
        await bob.ReplyAsync(room, mine, "great");
        await alice.MessageAt(question).Locator("button.react").ClickAsync();
        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(alice.MessageAt(question).Locator("button.reaction")).ToHaveCountAsync(1);
        await Expect(alice.StoredMessage("great").Locator(".reply-preview")).ToHaveCountAsync(1);
        await Accessibility.AssertNoSeriousViolationsAsync(alice.Page, "a room with messages");

        // Dark, with the member list's moderation buttons and a reply's quote (axe found both misnamed once).
        await alice.Page.Locator("#theme-toggle").ClickAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(alice.Page, "the same room, dark");
        alice.AssertNoProblems();
    }

    /// <summary>Seen by someone looking: rendered, not transparent, more than the one pixel of text kept for screen readers.</summary>
    private static Task<bool> ShownAsync(ILocator locator) => locator.EvaluateAsync<bool>(
        "e => e.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && e.getBoundingClientRect().width > 1");

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).backgroundColor");

    [GeneratedRegex(@"(^|\s)continued(\s|$)")]
    private static partial Regex Continued();
}
