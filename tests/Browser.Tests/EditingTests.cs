using System.Text.RegularExpressions;
using ChatApp.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed partial class EditingTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_edit_and_a_delete_show_live_in_the_other_page_and_after_its_reload()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var meeting = await alice.SendConfirmedAsync("the meeting is at 3pm");
        var typo = await alice.SendConfirmedAsync("sorry, wrong room");
        await Expect(bob.MessageTexts).ToHaveTextAsync(["the meeting is at 3pm", "sorry, wrong room"]);
        // Only the author may edit.
        await Expect(bob.MessageAt(meeting).Locator("button.edit")).ToHaveCountAsync(0);

        // Edit turns the text into a field; Escape leaves the message as it was.
        var editor = alice.MessageAt(meeting).Locator(".edit-input");
        await alice.MessageAt(meeting).Locator("button.edit").ClickAsync();
        await Expect(editor).ToBeFocusedAsync();
        await Expect(editor).ToHaveValueAsync("the meeting is at 3pm");
        await editor.FillAsync("never saved");
        await editor.PressAsync("Escape");
        await Expect(editor).ToHaveCountAsync(0);
        await Expect(alice.MessageAt(meeting).Locator(".text")).ToHaveTextAsync("the meeting is at 3pm");

        // Enter saves.
        await alice.MessageAt(meeting).Locator("button.edit").ClickAsync();
        await editor.FillAsync("the meeting is at 4pm");
        await editor.PressAsync("Enter");
        await Expect(editor).ToHaveCountAsync(0);

        await alice.DeleteAsync(typo);

        foreach (var page in new[] { bob, alice })
        {
            await Expect(page.MessageAt(meeting).Locator(".text")).ToHaveTextAsync("the meeting is at 4pm");
            await Expect(page.MessageAt(meeting).Locator(".edited")).ToHaveTextAsync("(edited)");
            await ExpectDeleted(page, typo);
        }
        await Expect(bob.Page.GetByText("never saved")).ToHaveCountAsync(0);

        // History says the same: editedTs makes the mark, a deleted message keeps its place.
        await bob.Page.ReloadAsync();
        await Expect(bob.ConnectionState).ToHaveTextAsync("connected");
        await Expect(bob.MessageTexts).ToHaveTextAsync(["the meeting is at 4pm", "message deleted"]);
        await Expect(bob.MessageAt(meeting).Locator(".edited")).ToHaveTextAsync("(edited)");
        await ExpectDeleted(bob, typo);
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    private static async Task ExpectDeleted(ChatPage page, long seq)
    {
        await Expect(page.MessageAt(seq)).ToHaveClassAsync(DeletedClass());
        await Expect(page.MessageAt(seq).Locator(".text")).ToHaveTextAsync("message deleted");
        await Expect(page.MessageAt(seq).Locator("button.edit, button.delete, .edited")).ToHaveCountAsync(0);
    }

    [GeneratedRegex(@"(^|\s)deleted(\s|$)")]
    private static partial Regex DeletedClass();
}
