using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ClinicalAspire.TestSupport;

/// <summary>Which Redis-protocol server a test runs against.</summary>
public enum RedisKind
{
    /// <summary>Debian's redis-server (installed by .ci/run).</summary>
    RedisServer,
    /// <summary>The project's EmbeddedRedis host (Microsoft Garnet).</summary>
    Embedded,
}

/// <summary>A throwaway Redis-protocol server on a free loopback port, stopped on dispose.</summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServerProcess(Process process, int port, RedisKind kind)
    {
        _process = process;
        Port = port;
        Kind = kind;
    }

    public int Port { get; }

    public RedisKind Kind { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000";

    /// <param name="extraArguments">More server arguments, e.g. a memory ceiling (redis-server: --maxmemory 16mb).</param>
    public static async Task<RedisServerProcess> StartAsync(RedisKind kind, string? dataDirectory = null, int? port = null, IReadOnlyList<string>? extraArguments = null)
    {
        var chosenPort = port ?? FreePort();
        var startInfo = kind switch
        {
            RedisKind.RedisServer => new ProcessStartInfo("redis-server")
            {
                ArgumentList = { "--port", chosenPort.ToString(), "--bind", "127.0.0.1", "--save", "" },
            },
            _ => new ProcessStartInfo("dotnet")
            {
                ArgumentList = { EmbeddedRedisAssembly(), "--port", chosenPort.ToString() },
            },
        };
        if (dataDirectory is not null)
        {
            if (kind == RedisKind.RedisServer)
            {
                startInfo.ArgumentList.Add("--dir");
                startInfo.ArgumentList.Add(dataDirectory);
                startInfo.ArgumentList.Add("--appendonly");
                startInfo.ArgumentList.Add("yes");
            }
            else
            {
                startInfo.ArgumentList.Add("--data-dir");
                startInfo.ArgumentList.Add(dataDirectory);
            }
        }
        foreach (var argument in extraArguments ?? [])
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {kind}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServerProcess(process, chosenPort, kind);
        await server.WaitUntilAnsweringAsync();
        return server;
    }

    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Kind} exited with code {_process.ExitCode}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                await using var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer);
                if (read > 0 && buffer[0] == (byte)'+')
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Kind} did not answer PING on port {Port} within 30 s");
    }

    /// <summary>The EmbeddedRedis build output (its own deps.json, not the test's), built by the project reference.</summary>
    private static string EmbeddedRedisAssembly()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var path = Path.Combine(RepositoryRoot(), "EmbeddedRedis", "bin", configuration, "net10.0", "EmbeddedRedis.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build EmbeddedRedis first: {path} is missing");
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClinicalAspire.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException("ClinicalAspire.sln not found above the test output directory");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open and commands hang, like an overloaded Redis.</summary>
    public void Freeze() => Signal(SigStop);

    /// <summary>Lets a frozen server go on (SIGCONT).</summary>
    public void Thaw() => Signal(SigCont);

    private const int SigCont = 18, SigStop = 19;

    private void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"signal {signal} to {Kind} (pid {_process.Id}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
