using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;

namespace ChatApp.Tests.Support;

/// <summary>axe-core run inside the page as it stands: what it finds serious or critical fails the test, with where.</summary>
public static class Accessibility
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string state)
    {
        // The WCAG 2.x A and AA rules (not axe's best practices), and only violations in full: the
        // passes' details are a large answer nobody reads. Both keep a run quick on a busy machine.
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
            ResultTypes = [ResultType.Violations],
            Iframes = false, // the pages have none
        });
        var bad = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help}\n  " + string.Join("\n  ", v.Nodes.Take(5).Select(n => n.Html)))
            .ToList();
        Assert.True(bad.Count == 0, $"axe found in {state}:\n{string.Join('\n', bad)}");
    }
}
