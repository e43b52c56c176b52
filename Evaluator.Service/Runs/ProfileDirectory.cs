using System.Diagnostics;
using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Domain.Text;
using Grpc.Core;
using ExtractorClient = ClinicalAspire.Contracts.Extractor.V1.Extractor.ExtractorClient;
using ExtractorInfoRequest = ClinicalAspire.Contracts.Extractor.V1.GetInfoRequest;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>
/// The engine profiles the Extractor hosts, asked of the Extractor itself (it reads the profiles file), briefly
/// remembered so that starting a matrix of runs asks once.
/// </summary>
public sealed class ProfileDirectory(ExtractorClient extractor)
{
    /// <summary>What every stack calls its default profile, whatever the profile's own name.</summary>
    public const string DefaultName = "default";
    private static readonly TimeSpan s_fresh = TimeSpan.FromSeconds(5);
    // A reference swapped whole, so concurrent StartRun calls never read a half-written pair.
    private volatile Listing? _last;

    private sealed record Listing(long At, IReadOnlyList<ProfileStatus> Profiles);

    public async Task<IReadOnlyList<ProfileStatus>> ListAsync(CancellationToken cancellationToken)
    {
        if (_last is { } last && Stopwatch.GetElapsedTime(last.At) < s_fresh)
        {
            return last.Profiles;
        }
        try
        {
            var info = await extractor.GetInfoAsync(new ExtractorInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
            var profiles = info.Profiles.ToArray();
            _last = new Listing(Stopwatch.GetTimestamp(), profiles);
            return profiles;
        }
        catch (RpcException ex) when (ex.StatusCode is not StatusCode.Cancelled)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the Extractor cannot be reached to list its engine profiles ({ex.StatusCode})"));
        }
    }

    /// <summary>
    /// The profile a run names (empty or "default": the default one), ready to answer. Unknown: INVALID_ARGUMENT naming
    /// the known profiles; not ready (model failed to load, server unreachable): FAILED_PRECONDITION with the reason,
    /// so no run is created whose every record would fail.
    /// </summary>
    public async Task<ProfileStatus> RequireReadyAsync(string? name, string field, CancellationToken cancellationToken)
    {
        var wanted = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        IReadOnlyList<ProfileStatus> profiles;
        try
        {
            profiles = await ListAsync(cancellationToken);
        }
        catch (RpcException) when (wanted is null or DefaultName)
        {
            // Every stack has a default profile: a run on it is accepted while the Extractor restarts, and its
            // records wait for the Extractor like those of any run (a named profile cannot be checked, so it is refused).
            return new ProfileStatus { Name = DefaultName, IsDefault = true, Status = "Healthy" };
        }
        var profile = profiles.FirstOrDefault(p => p.Name == wanted)
            ?? (wanted is null or DefaultName ? profiles.FirstOrDefault(p => p.IsDefault) : null)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"{field} is not a configured profile; known profiles: {string.Join(", ", profiles.Select(p => p.Name))}"));
        if (profile.Status != "Healthy")
        {
            _last = null; // ask again next time: the model may come up
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"engine profile '{profile.Name}' is not ready: {profile.Detail}"));
        }
        return profile;
    }
}
