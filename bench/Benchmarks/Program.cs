using BenchmarkDotNet.Running;

namespace ClinicalAspire.Benchmarks;

public static class Program
{
    /// <summary>
    /// BenchmarkDotNet benchmarks (in-process), `chain` for end-to-end numbers against a running stack, or `prefix` for
    /// prompt tokens read per note with and without shared-prefix reuse on a generated tiny ONNX model.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "chain")
        {
            return await ChainBench.RunAsync(args[1..]);
        }
        if (args.Length > 0 && args[0] == "store")
        {
            return await StoreBench.RunAsync(args[1..]);
        }
        if (args.Length > 0 && args[0] == "prefix")
        {
            return await PrefixBench.RunAsync(args[1..]);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
