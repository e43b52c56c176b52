using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace ClinicalAspire.TestSupport;

/// <summary>
/// A service's build output (e.g. "Evaluator.Service") run as a real process on free ports, with its HTTP/1.1
/// and gRPC endpoints and the given settings; killable like a crash. Development unless the settings name
/// another ASPNETCORE_ENVIRONMENT.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, int httpPort, int grpcPort)
    {
        _process = process;
        HttpAddress = $"http://127.0.0.1:{httpPort}";
        GrpcAddress = $"http://127.0.0.1:{grpcPort}";
        Channel = GrpcChannel.ForAddress(GrpcAddress);
    }

    public string HttpAddress { get; }

    public string GrpcAddress { get; }

    public GrpcChannel Channel { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the process to stop by itself and returns its exit code (null: still running after <paramref name="timeout"/>).</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Calls on <see cref="Channel"/> that carry one header (an API key, a bearer token) each.</summary>
    public CallInvoker WithHeader(string name, string value) =>
        Channel.Intercept(metadata =>
        {
            metadata.Add(name, value);
            return metadata;
        });

    /// <summary>The process id (a benchmark reads its resident memory from /proc).</summary>
    public int ProcessId => _process.Id;

    public static async Task<ServiceProcess> StartAsync(string project, IReadOnlyDictionary<string, string> settings)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var assembly = Path.Combine(RedisServerProcess.RepositoryRoot(), project, "bin", configuration, "net10.0", project + ".dll");
        int httpPort = RedisServerProcess.FreePort(), grpcPort = RedisServerProcess.FreePort();
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly },
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["Kestrel__Endpoints__http__Url"] = $"http://127.0.0.1:{httpPort}",
                ["Kestrel__Endpoints__grpc__Url"] = $"http://127.0.0.1:{grpcPort}",
                ["Logging__LogLevel__Default"] = "Warning",
                // As the AppHost runs them: open, no credentials. Security tests ask for Production.
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
            },
        };
        foreach (var (key, value) in settings)
        {
            startInfo.Environment[key] = value;
        }
        var process = new Process { StartInfo = startInfo };
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var all = new System.Collections.Concurrent.ConcurrentQueue<string>();
        DataReceivedEventHandler keepTail = (_, e) =>
        {
            if (e.Data is { } line)
            {
                if (all.Count < 200_000)
                {
                    all.Enqueue(line);
                }
                errors.Enqueue(line);
                while (errors.Count > 40 && errors.TryDequeue(out string? _))
                {
                }
            }
        };
        process.ErrorDataReceived += keepTail;
        process.OutputDataReceived += keepTail;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, httpPort, grpcPort) { _name = project, _errors = errors, _all = all };
        await service.WaitUntilAliveAsync();
        return service;
    }

    private string _name = "";
    private System.Collections.Concurrent.ConcurrentQueue<string> _errors = new();
    private System.Collections.Concurrent.ConcurrentQueue<string> _all = new();

    /// <summary>Everything the process wrote to stdout and stderr so far (up to 200,000 lines): for checks of what it logs.</summary>
    public string Output => string.Join("\n", _all);

    private async Task WaitUntilAliveAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                // The tail of its output: why it stopped (an invalid setting names itself there).
                throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode}: {string.Join("\n", _errors)}");
            }
            try
            {
                if ((await http.GetAsync($"{HttpAddress}/alive")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{_name} did not answer /alive within 60 s");
    }

    /// <summary>SIGKILL: no graceful shutdown, like a crash or an OOM kill.</summary>
    public async Task CrashAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// SIGTERM, as Kubernetes stops a pod in a rolling update: the host runs its graceful shutdown. Returns the exit
    /// code, or null when the process is still running after <paramref name="timeout"/>.
    /// </summary>
    public Task<int?> TerminateAsync(TimeSpan timeout)
    {
        if (SendSignal(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
        return WaitForExitAsync(timeout);
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            await CrashAsync();
        }
        _process.Dispose();
    }
}
