using ChatApp.Bench.Chaos;

// dotnet run --project bench/Chaos -c Release -- [--cycles 10] [--clients 6] [--rate 10] [--max-seconds 600]
var options = ChaosOptions.Parse(args);
var report = await ChaosRun.RunAsync(options, Console.WriteLine);
Console.WriteLine(report.ToMarkdown());
return report.Clean ? 0 : 1;
