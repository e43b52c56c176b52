using System.Diagnostics;
using ClinicalAspire.TestSupport;
using Grpc.Net.Client;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>Evaluator.Service's build output run as a process on free ports, killable like a crash.</summary>
public sealed class EvaluatorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private EvaluatorProcess(Process process, int httpPort, int grpcPort)
    {
        _process = process;
        HttpAddress = $"http://127.0.0.1:{httpPort}";
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
    }

    public string HttpAddress { get; }

    public GrpcChannel Channel { get; }

    public static async Task<EvaluatorProcess> StartAsync(string redisConnectionString, string extractorAddress)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var assembly = Path.Combine(RedisServerProcess.RepositoryRoot(), "Evaluator.Service", "bin", configuration, "net10.0", "Evaluator.Service.dll");
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
                ["ConnectionStrings__cache"] = redisConnectionString,
                ["Services__extractor__Address"] = extractorAddress,
                ["Evaluator__DemoAutorun"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        var process = Process.Start(startInfo)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var evaluator = new EvaluatorProcess(process, httpPort, grpcPort);
        await evaluator.WaitUntilHealthyAsync();
        return evaluator;
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Evaluator.Service exited with code {_process.ExitCode}");
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
        throw new TimeoutException("Evaluator.Service did not answer /alive within 60 s");
    }

    /// <summary>SIGKILL: no graceful shutdown, like a crash or an OOM kill.</summary>
    public async Task CrashAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

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
