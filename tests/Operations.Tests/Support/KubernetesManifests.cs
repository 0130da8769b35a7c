using ChatApp.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace ChatApp.Tests.Operations.Support;

/// <summary>Every object in docs/kubernetes/*.yaml, parsed as Kubernetes would read it.</summary>
internal sealed class KubernetesManifests
{
    public static string Folder { get; } = Path.Combine(ChatSystem.RepositoryRoot, "docs", "kubernetes");

    public IReadOnlyList<KubernetesObject> Objects { get; }

    private KubernetesManifests(IReadOnlyList<KubernetesObject> objects) => Objects = objects;

    public static KubernetesManifests Load()
    {
        var objects = new List<KubernetesObject>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }
            objects.AddRange(stream.Documents
                .Select(document => new KubernetesObject(Path.GetFileName(file), (YamlMappingNode)document.RootNode)));
        }
        return new KubernetesManifests(objects);
    }

    public KubernetesObject Get(string kind, string name) =>
        Objects.SingleOrDefault(o => o.Kind == kind && o.Name == name)
        ?? throw new InvalidOperationException($"No {kind} {name} in {Folder}.");
}

/// <summary>One object of a manifest, with paths into it that fail loudly when a key is missing.</summary>
internal sealed record KubernetesObject(string File, YamlMappingNode Root)
{
    public string Kind => Root.Text("kind");

    /// <summary>metadata.name; empty for a Kustomization, which has none.</summary>
    public string Name => Root.Children.ContainsKey("metadata") ? Root.Map("metadata").Text("name") : "";

    /// <summary>The pod template's (or a pod's) first container.</summary>
    public YamlMappingNode Container => PodSpec.List("containers").Maps().First();

    public YamlMappingNode PodSpec => Root.Map("spec").Map("template").Map("spec");

    /// <summary>The container's environment: plain values, and "fieldRef:PATH" or "secret:NAME/KEY" for the others.</summary>
    public Dictionary<string, string> Environment => Container.List("env").Maps().ToDictionary(
        variable => variable.Text("name"),
        variable => variable.Children.ContainsKey("value")
            ? variable.Text("value")
            : variable.Map("valueFrom") switch
            {
                var from when from.Children.ContainsKey("fieldRef") => "fieldRef:" + from.Map("fieldRef").Text("fieldPath"),
                var from => "secret:" + from.Map("secretKeyRef").Text("name") + "/" + from.Map("secretKeyRef").Text("key"),
            });

    /// <summary>The container's ports by name.</summary>
    public Dictionary<string, int> Ports => Container.List("ports").Maps()
        .ToDictionary(port => port.Text("name"), port => int.Parse(port.Text("containerPort"), System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A probe's path and port number (a named port resolved through <see cref="Ports"/>).</summary>
    public (string Path, int Port) Probe(string kind)
    {
        var get = Container.Map(kind).Map("httpGet");
        var port = get.Text("port");
        return (get.Text("path"), int.TryParse(port, out var number) ? number : Ports[port]);
    }
}

internal static class YamlPaths
{
    public static YamlMappingNode Map(this YamlMappingNode node, string key) => (YamlMappingNode)node.Child(key);

    public static YamlSequenceNode List(this YamlMappingNode node, string key) => (YamlSequenceNode)node.Child(key);

    public static string Text(this YamlMappingNode node, string key) => ((YamlScalarNode)node.Child(key)).Value ?? "";

    public static IEnumerable<YamlMappingNode> Maps(this YamlSequenceNode node) => node.Children.Cast<YamlMappingNode>();

    public static IEnumerable<string> Texts(this YamlSequenceNode node) => node.Children.Cast<YamlScalarNode>().Select(s => s.Value ?? "");

    private static YamlNode Child(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child
            : throw new KeyNotFoundException($"No '{key}' at line {node.Start.Line}.");
}
