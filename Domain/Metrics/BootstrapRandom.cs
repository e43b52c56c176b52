namespace ClinicalAspire.Domain.Metrics;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small, fast, fully specified generator, so a bootstrap with the same seed
/// gives the same result on every platform and .NET version (System.Random's seeded algorithm is not a contract).
/// </summary>
public struct BootstrapRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public BootstrapRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>An independent stream for resample <paramref name="stream"/> of a bootstrap seeded with <paramref name="seed"/>.</summary>
    public static BootstrapRandom ForStream(ulong seed, int stream)
    {
        ulong x = seed ^ (0x9E3779B97F4A7C15UL * (ulong)(stream + 1));
        return new BootstrapRandom(SplitMix64(ref x));
    }

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform integer in [0, <paramref name="bound"/>) (Lemire's unbiased multiply-shift).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong n = (ulong)bound;
        UInt128 m = (UInt128)NextUInt64() * n;
        ulong low = (ulong)m;
        if (low < n)
        {
            ulong threshold = (0UL - n) % n;
            while (low < threshold)
            {
                m = (UInt128)NextUInt64() * n;
                low = (ulong)m;
            }
        }
        return (int)(m >> 64);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
