using System.Text.RegularExpressions;

namespace ChatApp.Search;

/// <summary>
/// ts_headline parses its text as HTML and drops anything tag-shaped, but messages are plain
/// text. The query hands it "⟨⟨" and "⟩⟩" set apart by spaces in place of '&lt;' and '&gt;' (so
/// they stay separate words), and this puts the originals back into the snippet.
/// </summary>
public static partial class TagStandIns
{
    [GeneratedRegex(@" ?⟨⟨ ?")]
    private static partial Regex Open();

    [GeneratedRegex(@" ?⟩⟩ ?")]
    private static partial Regex Close();

    public static string Restore(string snippet) => Close().Replace(Open().Replace(snippet, "<"), ">");
}
