using System.Diagnostics.Metrics;

namespace Microsoft.Extensions.Hosting;

/// <summary>One request counted in an in-flight <see cref="UpDownCounter{T}"/> from creation to disposal (<c>using var</c>).</summary>
public readonly struct InFlight : IDisposable
{
    private readonly UpDownCounter<long>? _counter;

    public InFlight(UpDownCounter<long> counter)
    {
        _counter = counter;
        counter.Add(1);
    }

    public void Dispose() => _counter?.Add(-1);
}
