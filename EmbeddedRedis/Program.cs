using Garnet;

// Hosts Microsoft Garnet, a Redis-protocol server, so the stack runs on a machine with only the .NET SDK.
// Arguments: --port <n> [--bind <address>] [--data-dir <directory>] (append-only file + recovery there)
// [--memory <size>] (the ceiling of records kept in memory, e.g. 256m or 512mb).
var port = "6379";
var bind = "127.0.0.1";
var memory = "256m";
string? dataDirectory = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--port": port = args[i + 1]; break;
        case "--bind": bind = args[i + 1]; break;
        case "--data-dir": dataDirectory = args[i + 1]; break;
        // Redis writes "512mb", Garnet reads "512m".
        case "--memory": memory = args[i + 1].ToLowerInvariant().Replace("b", "", StringComparison.Ordinal); break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: EmbeddedRedis --port <n> [--bind <address>] [--data-dir <directory>] [--memory <size>]");
            return 2;
    }
}

// The memory ceiling. Garnet has no LRU eviction: without a storage tier, records that no longer fit in memory are
// dropped oldest first, whatever their TTL, datasets and runs included. With the tier they spill to disk.
var logDirectory = dataDirectory is null
    ? Directory.CreateTempSubdirectory("clinical-garnet-").FullName
    : Path.Combine(dataDirectory, "log");
Directory.CreateDirectory(logDirectory);
var garnetArgs = new List<string>
{
    "--port", port, "--bind", bind, "--index", "16m", "--memory", memory,
    // RandomAccess: the managed device (the native one needs libaio, which a bare machine may not have).
    "--storage-tier", "--logdir", logDirectory, "--device-type", "RandomAccess",
    // Lua: the Evaluator's run leases (DistributedLock.Redis) renew and release with scripts.
    "--lua",
};
if (dataDirectory is not null)
{
    Directory.CreateDirectory(dataDirectory);
    garnetArgs.AddRange(["--checkpointdir", dataDirectory, "--aof", "--recover"]);
}

var server = new GarnetServer([.. garnetArgs]);
server.Start();
Console.WriteLine($"Embedded Redis (Garnet) listening on {bind}:{port}{(dataDirectory is null ? "" : ", append-only file enabled")}");

var stopped = new TaskCompletionSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stopped.TrySetResult(); });
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
await stopped.Task;
server.Dispose();
if (dataDirectory is null)
{
    // A non-persistent server's spilled log is scratch space (a killed process leaves it in the temp folder).
    try { Directory.Delete(logDirectory, recursive: true); } catch (IOException) { }
}
return 0;
