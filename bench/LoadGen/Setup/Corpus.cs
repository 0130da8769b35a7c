using System.Text;

namespace ChatApp.Bench.LoadGen.Setup;

/// <summary>
/// Made-up chat text with a natural (Zipf) word frequency, so that searches can be chosen by how
/// many messages they match: a handful, a few thousand, or most of the room.
/// </summary>
public sealed class Corpus
{
    private static readonly string[] Onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "pl", "gr"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ou"];
    private readonly string[] _words;
    private readonly double[] _cumulative;
    private readonly Random _random;

    public Corpus(int vocabulary = 5000, int seed = 42)
    {
        _random = new Random(seed);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < vocabulary)
        {
            var syllables = _random.Next(2, 4);
            var word = new StringBuilder();
            for (var s = 0; s < syllables; s++)
            {
                word.Append(Onsets[_random.Next(Onsets.Length)]).Append(Vowels[_random.Next(Vowels.Length)]);
            }
            word.Append(Onsets[_random.Next(Onsets.Length)][0]);
            words.Add(word.ToString());
        }
        _words = [.. words];
        _cumulative = new double[_words.Length];
        double sum = 0;
        for (var i = 0; i < _words.Length; i++)
        {
            sum += 1.0 / (i + 1);
            _cumulative[i] = sum;
        }
        for (var i = 0; i < _cumulative.Length; i++)
        {
            _cumulative[i] /= sum;
        }
    }

    /// <summary>The word of a frequency rank (0 is the most common).</summary>
    public string Word(int rank) => _words[rank];

    public string Message(Random random)
    {
        var length = random.Next(6, 18);
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            var index = Array.BinarySearch(_cumulative, random.NextDouble());
            text.Append(i == 0 ? "" : " ").Append(_words[index < 0 ? ~index : index]);
        }
        return text.ToString();
    }
}
