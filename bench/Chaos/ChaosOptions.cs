using System.Globalization;

namespace ChatApp.Bench.Chaos;

/// <summary>What to run: how many kills, how many clients sending how fast, and the time bound of the whole run.</summary>
public sealed record ChaosOptions(int Cycles, int Clients, int Rate, TimeSpan MaxDuration)
{
    public static ChaosOptions Parse(string[] args)
    {
        var options = new ChaosOptions(Cycles: 10, Clients: 6, Rate: 10, MaxDuration: TimeSpan.FromMinutes(10));
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--cycles" => options with { Cycles = Math.Clamp(value, 1, 100) },
                "--clients" => options with { Clients = Math.Clamp(value, 1, 50) },
                "--rate" => options with { Rate = Math.Clamp(value, 1, 50) },
                "--max-seconds" => options with { MaxDuration = TimeSpan.FromSeconds(Math.Clamp(value, 30, 3600)) },
                _ => throw new ArgumentException($"unknown option {args[i]}; use --cycles, --clients, --rate, --max-seconds"),
            };
        }
        return options;
    }
}
