using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// The sign-in form before the page's script has run: on a slow link the form shows first, and a
/// click then would be the browser's own submit, a GET with the password in the address.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInFormTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_form_cannot_be_sent_until_the_script_has_loaded_and_then_it_signs_up_without_the_password_in_the_address()
    {
        await using var page = await ChatPage.OpenAsync(fixture, "early");
        var scriptMayLoad = new TaskCompletionSource();
        await page.Context.RouteAsync("**/app.js", async route =>
        {
            await scriptMayLoad.Task;
            await route.ContinueAsync();
        });
        // Only as far as the first bytes: the page's load event waits for the script held above.
        await page.Page.GotoAsync("/", new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.Page.Locator("#auth-form")).ToBeVisibleAsync();
        var name = Fresh.User("early");
        await page.Page.Locator("#username").FillAsync(name.Value);
        await page.Page.Locator("#password").FillAsync(Accounts.Password);
        await Expect(page.Page.Locator("#signin")).ToBeDisabledAsync();
        await Expect(page.Page.Locator("#register")).ToBeDisabledAsync();
        await Expect(page.Page.Locator("#auth-loading")).ToBeVisibleAsync();
        // Enter in a field submits with the default button, which is disabled: nothing is sent.
        await page.Page.Locator("#password").PressAsync("Enter");

        scriptMayLoad.SetResult();
        await Expect(page.Page.Locator("#auth-loading")).ToBeHiddenAsync();
        await page.RegisterAsync(name.Value);
        Assert.DoesNotContain("password", page.Page.Url, StringComparison.Ordinal);
        page.AssertNoProblems();
    }

    [Fact]
    public async Task When_the_script_cannot_load_the_form_says_to_reload_instead_of_leaving_grey_buttons_unexplained()
    {
        await using var page = await ChatPage.OpenAsync(fixture, "stranded");
        // What Chromium does to requests in flight when the machine's network changes.
        await page.Context.RouteAsync("**/app.js", route => route.AbortAsync("internetdisconnected"));
        page.Tolerate = text => text.Contains("Failed to load resource", StringComparison.Ordinal);
        await page.Page.ReloadAsync();

        await Expect(page.Page.Locator("#auth-loading")).ToHaveTextAsync("Loading… If the buttons stay grey, reload the page.");
        await Expect(page.Page.Locator("#register")).ToBeDisabledAsync();

        await page.Context.UnrouteAsync("**/app.js");
        await page.Page.ReloadAsync();
        await Expect(page.Page.Locator("#auth-loading")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#register")).ToBeEnabledAsync();
        page.AssertNoProblems();
    }
}
