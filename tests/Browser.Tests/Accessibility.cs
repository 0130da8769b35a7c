using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;

namespace ChatApp.Tests.Browser;

/// <summary>axe-core run inside the page as it stands: what it finds serious or critical fails the test, with where.</summary>
public static class Accessibility
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string state)
    {
        var result = await page.RunAxe();
        var bad = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help}\n  " + string.Join("\n  ", v.Nodes.Take(5).Select(n => n.Html)))
            .ToList();
        Assert.True(bad.Count == 0, $"axe found in {state}:\n{string.Join('\n', bad)}");
    }
}
