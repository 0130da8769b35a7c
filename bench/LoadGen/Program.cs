using ChatApp.Bench.LoadGen;
using ChatApp.Bench.LoadGen.Hold;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

// ChatApp.Bench.LoadGen run <scenario> --chatapp URL[,URL…] --chatapp-pids gateway=1,silo0=2 [--baseline URL --baseline-pids baseline=3] --db CONN --out DIR
// ChatApp.Bench.LoadGen reset-db --db CONN        drops and re-creates the database the connection string names
// ChatApp.Bench.LoadGen readme --out DIR --readme FILE   rewrites the results table of bench/README.md
// ChatApp.Bench.LoadGen replot scaling --out DIR [--largest N]   writes scaling.png again from scaling.json
// ChatApp.Bench.LoadGen hold                      a child that holds sockets for the connections scenario (JSON lines on stdin/stdout)
var options = new Options(args);
return options.Words.FirstOrDefault() switch
{
    "run" => await Runner.RunAsync(options),
    "reset-db" => await Database.ResetAsync(options),
    "readme" => Readme.Write(options),
    "hold" => await Holder.RunAsync(options),
    "replot" => Runner.Replot(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ChatApp.Bench.LoadGen run <connections|fanout|hotroom|durable|history|search|presence|bigroom|scaling|hellostorm|reactions|uploads> --chatapp URL ... | reset-db --db CONN | readme --out DIR --readme FILE");
    return 2;
}
