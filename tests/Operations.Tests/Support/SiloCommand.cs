using System.Diagnostics;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Operations.Support;

/// <summary>Runs the built silo's one-shot commands (<c>dotnet ChatApp.Silo.dll admin grant NAME</c>) as an operator would.</summary>
internal static class SiloCommand
{
    public sealed record Outcome(int ExitCode, string Output, string Errors);

    public static async Task<Outcome> RunAsync(string connectionString, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(SiloDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ConnectionStrings__Chat"] = connectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return new Outcome(process.ExitCode, await output, await errors);
    }

    /// <summary>Silo/bin/&lt;this test's configuration&gt;/net10.0/ChatApp.Silo.dll: the same build as the test.</summary>
    private static string SiloDll
    {
        get
        {
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(ChatSystem.RepositoryRoot, "Silo", "bin", framework.Parent!.Name, framework.Name, "ChatApp.Silo.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"Build the silo first: {path}");
        }
    }
}
