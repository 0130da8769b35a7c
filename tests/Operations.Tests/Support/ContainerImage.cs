using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace ChatApp.Tests.Operations.Support;

/// <summary>
/// An image as scripts/images.sh writes it: an OCI image layout in a tar file (index.json, then
/// the manifest, the config and the layers, each a blob named by its digest). Read as a registry
/// or a container engine would read it.
/// </summary>
internal sealed class ContainerImage
{
    private readonly Dictionary<string, byte[]> _blobs;
    private readonly JsonElement _manifest;

    public string File { get; }

    /// <summary>The image config's "config" object: Entrypoint, Env, User, WorkingDir, ExposedPorts, Labels.</summary>
    public JsonElement Config { get; }

    private ContainerImage(string file, Dictionary<string, byte[]> blobs, JsonElement manifest, JsonElement config)
    {
        File = file;
        _blobs = blobs;
        _manifest = manifest;
        Config = config;
    }

    public static ContainerImage Read(string file)
    {
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var reader = new TarReader(System.IO.File.OpenRead(file)))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is { } data)
                {
                    using var copy = new MemoryStream();
                    data.CopyTo(copy);
                    blobs[entry.Name.TrimStart('.', '/')] = copy.ToArray();
                }
            }
        }
        var index = JsonDocument.Parse(blobs["index.json"]).RootElement;
        var manifest = JsonDocument.Parse(Blob(blobs, index.GetProperty("manifests")[0].GetProperty("digest").GetString()!)).RootElement;
        var config = JsonDocument.Parse(Blob(blobs, manifest.GetProperty("config").GetProperty("digest").GetString()!)).RootElement;
        return new ContainerImage(file, blobs, manifest, config.GetProperty("config"));
    }

    public string[] Entrypoint => [.. Config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()!)];

    public string User => Config.GetProperty("User").GetString()!;

    public string WorkingDir => Config.GetProperty("WorkingDir").GetString()!;

    public int[] ExposedPorts => [.. Config.GetProperty("ExposedPorts").EnumerateObject()
        .Select(p => int.Parse(p.Name.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture)).Order()];

    public Dictionary<string, string> Labels => Config.GetProperty("Labels").EnumerateObject()
        .ToDictionary(p => p.Name, p => p.Value.GetString()!);

    public Dictionary<string, string> Environment => Config.GetProperty("Env").EnumerateArray()
        .Select(e => e.GetString()!.Split('=', 2))
        .ToDictionary(pair => pair[0], pair => pair[1]);

    /// <summary>The contents of a file of the image's root file system (the last layer that has it wins), or null.</summary>
    public byte[]? FileContents(string path)
    {
        byte[]? found = null;
        foreach (var layer in _manifest.GetProperty("layers").EnumerateArray())
        {
            using var reader = new TarReader(new GZipStream(new MemoryStream(Blob(_blobs, layer.GetProperty("digest").GetString()!)), CompressionMode.Decompress));
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.Name.TrimStart('.', '/') == path.TrimStart('/') && entry.DataStream is { } data)
                {
                    using var copy = new MemoryStream();
                    data.CopyTo(copy);
                    found = copy.ToArray();
                }
            }
        }
        return found;
    }

    private static byte[] Blob(Dictionary<string, byte[]> blobs, string digest) => blobs["blobs/" + digest.Replace(':', '/')];
}
