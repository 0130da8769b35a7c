using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;

namespace ChatApp.Tests.Browser;

/// <summary>
/// One running system and one headless Chromium for every browser test. Tests stay independent
/// through fresh users and rooms, and each page gets its own browser context (its own storage
/// and cookies), so two pages are two people.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public ChatSystem System { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium.Path))
        {
            throw new InvalidOperationException($"{Chromium.Path} is missing: apt-get install -y chromium");
        }
        // Expectations retry until they hold; this bounds how long, instead of any sleep.
        Assertions.SetDefaultExpectTimeout(15_000);
        System = await ChatSystem.StartAsync();
        // Starts Playwright's node driver, which ships in the NuGet package (.playwright/ in the output).
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = Chromium.Args,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (System is not null)
        {
            await System.DisposeAsync();
        }
    }
}

/// <summary>Every browser test shares the fixture and runs one at a time: the machine has two cores.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
