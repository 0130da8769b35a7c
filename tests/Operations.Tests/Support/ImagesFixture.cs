using System.Diagnostics;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Operations.Support;

/// <summary>
/// Both images, built once for the test class by scripts/images.sh exactly as an operator runs it
/// (the base made from Debian's packages, served on a loopback registry), into a folder of its own.
/// </summary>
public sealed class ImagesFixture : Xunit.IAsyncLifetime
{
    /// <summary>What the images' org.opencontainers.image.source label should say.</summary>
    public const string Source = "https://git.example.com/chatapp";

    private readonly string _folder = Directory.CreateTempSubdirectory("chatapp-images-").FullName;

    internal ContainerImage Silo { get; private set; } = null!;

    internal ContainerImage Gateway { get; private set; } = null!;

    /// <summary>The commit the images were built from.</summary>
    public string Revision { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Revision = (await RunAsync("git", ["rev-parse", "HEAD"], TimeSpan.FromSeconds(30))).Trim();
        var start = Stopwatch.StartNew();
        await RunAsync("bash", [Path.Combine("scripts", "images.sh"), _folder], TimeSpan.FromMinutes(10));
        Console.WriteLine($"scripts/images.sh took {start.Elapsed.TotalSeconds:F0} s");
        Silo = ContainerImage.Read(Path.Combine(_folder, "chatapp-silo.tar"));
        Gateway = ContainerImage.Read(Path.Combine(_folder, "chatapp-gateway.tar"));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<string> RunAsync(string program, string[] args, TimeSpan limit)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = ChatSystem.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["CHATAPP_IMAGE_SOURCE"] = Source;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} took over {limit}: {await errors}");
        }
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await output}\n{await errors}");
    }
}
