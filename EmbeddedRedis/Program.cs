using Garnet;

// Hosts Microsoft Garnet, a Redis-protocol server, so the stack runs on a machine with only the .NET SDK.
// Arguments: --port <n> [--bind <address>] [--data-dir <directory>] (append-only file + recovery there).
var port = "6379";
var bind = "127.0.0.1";
string? dataDirectory = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--port": port = args[i + 1]; break;
        case "--bind": bind = args[i + 1]; break;
        case "--data-dir": dataDirectory = args[i + 1]; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: EmbeddedRedis --port <n> [--bind <address>] [--data-dir <directory>]");
            return 2;
    }
}

// Small memory budget: a development cache, not a production store.
var garnetArgs = new List<string> { "--port", port, "--bind", bind, "--index", "16m", "--memory", "256m" };
if (dataDirectory is not null)
{
    Directory.CreateDirectory(dataDirectory);
    garnetArgs.AddRange(["--checkpointdir", dataDirectory, "--aof", "--recover", "--device-type", "RandomAccess"]);
}

using var server = new GarnetServer([.. garnetArgs]);
server.Start();
Console.WriteLine($"Embedded Redis (Garnet) listening on {bind}:{port}{(dataDirectory is null ? "" : ", append-only file enabled")}");

var stopped = new TaskCompletionSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stopped.TrySetResult(); });
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
await stopped.Task;
return 0;
