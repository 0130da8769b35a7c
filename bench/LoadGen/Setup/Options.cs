using System.Globalization;

namespace ChatApp.Bench.LoadGen.Setup;

/// <summary>Command-line options, <c>--name value</c> pairs after the command words.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    public Options(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                Words.Add(list[i]);
                continue;
            }
            var name = list[i][2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                _values[name[..eq]] = name[(eq + 1)..];
            }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _values[name] = list[++i];
            }
            else
            {
                _values[name] = "true";
            }
        }
    }

    public List<string> Words { get; } = [];

    public string? String(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public int Int(string name, int fallback) => String(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => String(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => String(name) is "true" or "1" or "yes";

    /// <summary>Options given but never asked for: most likely a typo.</summary>
    public IEnumerable<string> Unused => _values.Keys.Where(k => !_used.Contains(k));

    public IReadOnlyDictionary<string, string> All => _values;
}
