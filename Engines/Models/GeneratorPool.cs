using Microsoft.ML.OnnxRuntimeGenAI;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// A few idle GenAI <see cref="Generator"/>s, each remembering the token ids it holds (prompt and answer of its last
/// call), so a new prompt that starts the same way can rewind one to the shared prefix instead of reading it again.
/// A generator is out of the pool while a call uses it: no two calls ever share one.
/// </summary>
internal sealed class GeneratorPool : IDisposable
{
    private readonly object _lock = new();
    private readonly List<PooledGenerator> _idle = [];
    private readonly int _size;
    private long _clock;
    private bool _disposed;

    /// <param name="size">Idle generators kept at most (the backend's concurrency limit, at least 1).</param>
    public GeneratorPool(int size) => _size = Math.Max(1, size);

    /// <summary>The idle generators now (tests).</summary>
    public PooledGenerator[] Idle()
    {
        lock (_lock)
        {
            return [.. _idle];
        }
    }

    /// <summary>
    /// Takes the idle generator made with <paramref name="key"/>, big enough for <paramref name="needed"/> tokens, whose held
    /// tokens share the longest prefix with <paramref name="prompt"/>; null when none shares at least one token.
    /// <paramref name="keep"/> is how many prompt tokens it already holds (always fewer than the prompt, see <see cref="Keepable"/>).
    /// </summary>
    public PooledGenerator? TakeBest(ReadOnlySpan<int> prompt, string key, int needed, out int keep)
    {
        keep = 0;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int best = -1;
            for (int i = 0; i < _idle.Count; i++)
            {
                var candidate = _idle[i];
                if (candidate.Key != key || candidate.Capacity < needed)
                {
                    continue;
                }
                int k = Keepable(candidate.Held, prompt);
                if (k > keep || (k == keep && k > 0 && best >= 0 && candidate.LastUsed > _idle[best].LastUsed))
                {
                    keep = k;
                    best = i;
                }
            }
            if (best < 0 || keep == 0)
            {
                keep = 0;
                return null;
            }
            var taken = _idle[best];
            _idle.RemoveAt(best);
            return taken;
        }
    }

    /// <summary>
    /// Tokens of <paramref name="held"/> a generator can keep for <paramref name="prompt"/>: the common prefix, less enough
    /// that (1) at least one prompt token is appended, so the first answer token comes from fresh logits, and (2) the rewind
    /// is strictly inside the KV cache, which after generating holds one token fewer than the sequence.
    /// </summary>
    public static int Keepable(ReadOnlySpan<int> held, ReadOnlySpan<int> prompt)
    {
        int common = held.CommonPrefixLength(prompt);
        return Math.Max(0, Math.Min(common, Math.Min(prompt.Length - 1, held.Length - 2)));
    }

    /// <summary>Puts a generator back (the least recently used idle one goes when the pool is full), or disposes it.</summary>
    public void Return(PooledGenerator generator)
    {
        PooledGenerator? evicted = null;
        bool kept = false;
        lock (_lock)
        {
            if (!_disposed)
            {
                generator.LastUsed = ++_clock;
                if (_idle.Count >= _size)
                {
                    evicted = _idle.MinBy(g => g.LastUsed);
                    _idle.Remove(evicted!);
                }
                _idle.Add(generator);
                kept = true;
            }
        }
        evicted?.Dispose();
        if (!kept)
        {
            generator.Dispose();
        }
    }

    public void Dispose()
    {
        PooledGenerator[] idle;
        lock (_lock)
        {
            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }
        foreach (var generator in idle)
        {
            generator.Dispose();
        }
    }
}

/// <summary>A generator with what it was made with and the tokens it holds.</summary>
/// <param name="Key">Search options and guidance it was made with; only calls with the same key may reuse it.</param>
/// <param name="Capacity">Its max_length: prompt plus answer tokens it can hold.</param>
internal sealed class PooledGenerator(Generator generator, string key, int capacity) : IDisposable
{
    public Generator Generator { get; } = generator;

    public string Key { get; } = key;

    public int Capacity { get; } = capacity;

    /// <summary>Token ids in the generator after its last call (prompt and generated tokens).</summary>
    public int[] Held { get; set; } = [];

    public long LastUsed { get; set; }

    public void Dispose() => Generator.Dispose();
}
