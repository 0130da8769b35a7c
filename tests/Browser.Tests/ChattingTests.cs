using System.Text.RegularExpressions;
using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed partial class ChattingTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Two_people_in_one_room_see_each_others_messages()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);

        await alice.SendAsync("hello from alice");
        await Expect(bob.MessageTexts).ToHaveTextAsync(["hello from alice"]);
        await bob.SendAsync("hello from bob");

        string[] conversation = ["hello from alice", "hello from bob"];
        await Expect(alice.MessageTexts).ToHaveTextAsync(conversation);
        await Expect(bob.MessageTexts).ToHaveTextAsync(conversation);
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    [Fact]
    public async Task A_reload_keeps_the_person_signed_in_in_the_same_room_with_its_history()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await alice.SendConfirmedAsync("first");
        await alice.SendConfirmedAsync("second");

        await alice.Page.ReloadAsync();

        await Expect(alice.ConnectionState).ToHaveTextAsync("connected");
        await Expect(alice.Page.Locator("#me")).ToHaveTextAsync(alice.Name);
        await Expect(alice.CurrentRoom).ToHaveTextAsync(room);
        await Expect(alice.MessageTexts).ToHaveTextAsync(["first", "second"]);
        await alice.SendConfirmedAsync("third");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["first", "second", "third"]);
        alice.AssertNoProblems();
    }

    [Fact]
    public async Task Markup_in_a_message_is_shown_as_text_and_never_run()
    {
        const string markup = "<b>bold</b><img src=x onerror=alert(1)>";
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);

        await alice.SendConfirmedAsync(markup);

        foreach (var page in new[] { alice, bob })
        {
            var text = page.StoredMessage(markup).Locator(".text");
            await Expect(text).ToHaveCountAsync(1);
            Assert.Equal(markup, await text.EvaluateAsync<string>("node => node.textContent"));
            await Expect(page.MessageList.Locator("b, img")).ToHaveCountAsync(0);
        }
        // An onerror that ran would have opened an alert dialog, which the page records as a problem.
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    [Fact]
    public async Task A_message_its_author_deletes_after_saying_yes_to_the_question_shows_as_deleted_to_the_other_member()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var seq = await alice.SendConfirmedAsync("a regrettable message");
        await Expect(bob.MessageAt(seq).Locator(".text")).ToHaveTextAsync("a regrettable message");
        // Only the author is offered a delete button.
        await Expect(bob.MessageAt(seq).Locator("button.delete")).ToHaveCountAsync(0);

        // A delete is asked about first, in the page's own dialog: Esc keeps the message, and the
        // focus goes back to the button.
        var delete = alice.MessageAt(seq).Locator("button.delete");
        await delete.ClickAsync();
        var dialog = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "Delete this message?" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync("a regrettable message");
        await Expect(dialog.Locator("#confirm-cancel")).ToBeFocusedAsync();
        await alice.Page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(delete).ToBeFocusedAsync();
        await Expect(alice.MessageAt(seq)).Not.ToHaveClassAsync(DeletedClass());
        await alice.DeleteAsync(seq);

        foreach (var page in new[] { bob, alice })
        {
            await Expect(page.MessageAt(seq)).ToHaveClassAsync(DeletedClass());
            await Expect(page.MessageAt(seq).Locator(".text")).Not.ToHaveTextAsync("a regrettable message");
            await Expect(page.MessageAt(seq).Locator("button.delete")).ToHaveCountAsync(0);
        }
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    [GeneratedRegex(@"(^|\s)deleted(\s|$)")]
    private static partial Regex DeletedClass();
}
