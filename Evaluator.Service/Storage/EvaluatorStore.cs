using ClinicalAspire.Contracts.Evaluator.V1;
using Google.Protobuf;
using StackExchange.Redis;

namespace ClinicalAspire.Evaluator.Storage;

/// <summary>
/// Datasets, runs and predictions in Redis, as protobuf values. Only commands that both Redis and the
/// embedded Garnet server serve (strings, lists, hashes, sorted sets, MULTI/EXEC).
/// </summary>
/// <remarks>
/// Keys: <c>clinical:datasets</c> (zset of ids by creation), <c>clinical:dataset:{id}</c> (info),
/// <c>clinical:dataset:{id}:records:{content hash}</c> (list of records), <c>clinical:runs</c> (zset),
/// <c>clinical:run:{id}</c> (run; its tags too, changed only by <see cref="UpdateTagsAsync"/>), <c>clinical:run:{id}:predictions</c> (hash record id -> prediction),
/// <c>clinical:erasures</c> (hash dataset id -> content hash of the records still to erase),
/// <c>clinical:runs:unfinished</c> (set of pending and running run ids), <c>clinical:run:{id}:lease</c> (the
/// replica working on the run: <see cref="Runs.RunLeases"/>; the only key with a TTL, it must lapse when its holder dies).
/// A dataset's records are written under a key named by their content hash before the info that points
/// at them, so an import is visible whole or not at all. One prediction per record id (HSET): a record
/// stored twice (after a resume) is still counted once. No key of the store has a TTL: when the store and the cache
/// share one server (<c>maxmemory-policy volatile-lru</c>) Redis evicts cache entries (all with a TTL), never these.
/// The store is the <c>store</c> connection (README: two Redis roles); <c>clinical:schema</c> holds its layout's version.
/// Fields added to a stored protobuf value (a run's <c>tags</c>, field 26) leave the layout as it is: a value written
/// before reads with the field empty, and an older Evaluator keeps a field it does not know when it rewrites the value.
/// </remarks>
public sealed class EvaluatorStore([FromKeyedServices(RedisExtensions.StoreConnectionName)] IConnectionMultiplexer redis)
{
    private const string DatasetsKey = "clinical:datasets";
    private const string RunsKey = "clinical:runs";
    private const string DemoSeededKey = "clinical:demo:seeded";
    private const string ErasuresKey = "clinical:erasures";
    // Ids of pending and running runs: the replicas' takeover scan reads this, not every run.
    private const string UnfinishedKey = "clinical:runs:unfinished";
    private const int ScanPage = 1000;
    private const int WriteBatch = 500;

    private IDatabase Db => redis.GetDatabase();

    private static string DatasetKey(string id) => $"clinical:dataset:{id}";

    private static string RecordsKey(string id, string contentHash) => $"clinical:dataset:{id}:records:{contentHash}";

    private static string RunKey(string id) => $"clinical:run:{id}";

    private static string PredictionsKey(string runId) => $"clinical:run:{runId}:predictions";

    // ---------- datasets ----------

    public async Task<DatasetInfo?> GetDatasetAsync(string datasetId)
    {
        var value = await Db.StringGetAsync(DatasetKey(datasetId));
        return value.IsNull ? null : DatasetInfo.Parser.ParseFrom((byte[])value!);
    }

    public async Task<IReadOnlyList<DatasetInfo>> ListDatasetsAsync()
    {
        var ids = await Db.SortedSetRangeByRankAsync(DatasetsKey, order: Order.Descending);
        var infos = new List<DatasetInfo>(ids.Length);
        foreach (var id in ids)
        {
            if (await GetDatasetAsync(id!) is { } info)
            {
                infos.Add(info);
            }
        }
        return infos;
    }

    /// <summary>Stores a dataset whole; returns false when it exists and <paramref name="replace"/> is false.</summary>
    /// <remarks><paramref name="records"/> is enumerated once, a batch at a time: a streamed source is never held whole.</remarks>
    public async Task<bool> SaveDatasetAsync(DatasetInfo info, IEnumerable<DatasetRecord> records, bool replace)
    {
        var existing = await GetDatasetAsync(info.DatasetId);
        if (existing is not null && !replace)
        {
            return false;
        }

        var recordsKey = RecordsKey(info.DatasetId, info.ContentHash);
        if (existing?.ContentHash != info.ContentHash)
        {
            await Db.KeyDeleteAsync(recordsKey);
            try
            {
                foreach (var batch in records.Select(r => (RedisValue)r.ToByteArray()).Chunk(WriteBatch))
                {
                    await Db.ListRightPushAsync(recordsKey, batch);
                }
            }
            catch
            {
                // Nothing points at a half-written list; remove it and let the caller see the failure.
                await Db.KeyDeleteAsync(recordsKey, CommandFlags.FireAndForget);
                throw;
            }
        }

        var transaction = Db.CreateTransaction();
        _ = transaction.StringSetAsync(DatasetKey(info.DatasetId), info.ToByteArray());
        _ = transaction.SortedSetAddAsync(DatasetsKey, info.DatasetId, info.CreatedAt.ToDateTimeOffset().ToUnixTimeMilliseconds());
        if (!await transaction.ExecuteAsync())
        {
            throw new RedisException("the dataset transaction was not applied");
        }
        if (existing is not null && existing.ContentHash != info.ContentHash)
        {
            await Db.KeyDeleteAsync(RecordsKey(existing.DatasetId, existing.ContentHash));
        }
        return true;
    }

    public async Task<IReadOnlyList<DatasetRecord>> GetRecordsAsync(DatasetInfo info, int offset = 0, int limit = -1)
    {
        var stop = limit < 0 ? -1 : offset + limit - 1;
        var values = await Db.ListRangeAsync(RecordsKey(info.DatasetId, info.ContentHash), offset, stop);
        return values.Select(v => DatasetRecord.Parser.ParseFrom((byte[])v!)).ToArray();
    }

    /// <summary>Records streamed in pages of <paramref name="pageSize"/>, in import order: never the whole list in memory.</summary>
    public async IAsyncEnumerable<IReadOnlyList<DatasetRecord>> ReadRecordPagesAsync(DatasetInfo info, int pageSize = WriteBatch)
    {
        await foreach (var page in ReadRecordPagesAsync(RecordsKey(info.DatasetId, info.ContentHash), pageSize))
        {
            yield return page;
        }
    }

    private async IAsyncEnumerable<IReadOnlyList<DatasetRecord>> ReadRecordPagesAsync(RedisKey key, int pageSize)
    {
        for (long offset = 0; ; offset += pageSize)
        {
            var values = await Db.ListRangeAsync(key, offset, offset + pageSize - 1);
            if (values.Length == 0)
            {
                yield break;
            }
            yield return values.Select(v => DatasetRecord.Parser.ParseFrom((byte[])v!)).ToArray();
            if (values.Length < pageSize)
            {
                yield break;
            }
        }
    }

    // ---------- erasure ----------
    // Two steps, each one MULTI, with a journal entry between them, so a crash leaves either the dataset
    // (nothing erased yet) or a journal that the next start finishes; never a half-deleted dataset or run.

    /// <summary>
    /// Step 1: the dataset disappears (info, index) and every run on it loses its per-record predictions and is
    /// marked <c>dataset_erased</c>; the records list stays, named in the journal, until the cache is erased.
    /// Returns the content hash to erase, or null when the dataset neither exists nor is being erased.
    /// </summary>
    public async Task<(string ContentHash, int Runs)?> BeginErasureAsync(string datasetId)
    {
        var info = await GetDatasetAsync(datasetId);
        var pending = await Db.HashGetAsync(ErasuresKey, datasetId);
        if (info is null && pending.IsNull)
        {
            return null;
        }
        var contentHash = info?.ContentHash ?? (string)pending!;
        var runs = (await ListRunsAsync(limit: 0)).Where(r => r.DatasetId == datasetId).ToArray();
        var transaction = Db.CreateTransaction();
        _ = transaction.HashSetAsync(ErasuresKey, datasetId, contentHash);
        _ = transaction.KeyDeleteAsync(DatasetKey(datasetId));
        _ = transaction.SortedSetRemoveAsync(DatasetsKey, datasetId);
        foreach (var run in runs)
        {
            run.DatasetErased = true;
            _ = transaction.KeyDeleteAsync(PredictionsKey(run.RunId));
            _ = transaction.StringSetAsync(RunKey(run.RunId), run.ToByteArray());
        }
        if (!await transaction.ExecuteAsync())
        {
            throw new RedisException("the erasure transaction was not applied");
        }
        return (contentHash, runs.Length);
    }

    /// <summary>The notes of a dataset being erased, in pages (step 1 done, step 2 not yet).</summary>
    public IAsyncEnumerable<IReadOnlyList<DatasetRecord>> ReadErasingRecordPagesAsync(string datasetId, string contentHash) =>
        ReadRecordPagesAsync(RecordsKey(datasetId, contentHash), ScanPage);

    /// <summary>Step 2: the records list and the journal entry go together.</summary>
    public async Task CompleteErasureAsync(string datasetId, string contentHash)
    {
        var transaction = Db.CreateTransaction();
        _ = transaction.KeyDeleteAsync(RecordsKey(datasetId, contentHash));
        _ = transaction.HashDeleteAsync(ErasuresKey, datasetId);
        if (!await transaction.ExecuteAsync())
        {
            throw new RedisException("the erasure transaction was not applied");
        }
    }

    /// <summary>Datasets whose erasure started and did not finish (a crash between the steps).</summary>
    public async Task<IReadOnlyList<(string DatasetId, string ContentHash)>> PendingErasuresAsync() =>
        (await Db.HashGetAllAsync(ErasuresKey)).Select(e => ((string)e.Name!, (string)e.Value!)).ToArray();

    public Task<bool> IsErasingAsync(string datasetId) => Db.HashExistsAsync(ErasuresKey, datasetId);

    // ---------- runs ----------

    public Task SaveRunAsync(RunInfo run)
    {
        var transaction = Db.CreateTransaction();
        WriteRun(transaction, run);
        return transaction.ExecuteAsync();
    }

    private static void WriteRun(ITransaction transaction, RunInfo run)
    {
        _ = transaction.StringSetAsync(RunKey(run.RunId), run.ToByteArray());
        _ = transaction.SortedSetAddAsync(RunsKey, run.RunId, run.CreatedAt.ToDateTimeOffset().ToUnixTimeMilliseconds());
        _ = run.State is RunState.Pending or RunState.Running
            ? transaction.SetAddAsync(UnfinishedKey, run.RunId)
            : transaction.SetRemoveAsync(UnfinishedKey, run.RunId);
    }

    public static bool IsSettled(RunState state) => state is RunState.Completed or RunState.Cancelled or RunState.Failed;

    /// <summary>
    /// Writes a pending or running run's state unless it was settled (cancelled from another replica) or deleted
    /// meanwhile; returns what the store holds after the call (null: deleted). The stored tags are kept (see
    /// <see cref="UpdateTagsAsync"/>).
    /// </summary>
    public Task<RunInfo?> SaveUnlessSettledAsync(RunInfo run) =>
        SaveConditionallyAsync(run.RunId, stored => IsSettled(stored.State) ? null : WithTagsOf(run, stored));

    /// <summary>
    /// Writes a run's final state; a final state already stored (a cancel from another replica) is kept, with this
    /// run's counts and metrics, and so are the stored tags. Never brings back a deleted run. Returns what the store
    /// holds (null: deleted).
    /// </summary>
    public Task<RunInfo?> SaveFinalAsync(RunInfo run) =>
        SaveConditionallyAsync(run.RunId, stored =>
        {
            if (IsSettled(stored.State) && stored.State != run.State)
            {
                run.State = stored.State;
                run.FinishedAt = stored.FinishedAt ?? run.FinishedAt;
            }
            return WithTagsOf(run, stored);
        });

    /// <summary>
    /// Changes a run's tags, whatever its state: <paramref name="change"/> gets the stored tags and returns the new
    /// ones. Tags belong to the store, not to the replica running the run: its progress and final writes keep what is
    /// stored, so a tag added on any replica stays. Returns the run as stored (null: no such run).
    /// </summary>
    public Task<RunInfo?> UpdateTagsAsync(string runId, Func<IReadOnlyList<string>, IReadOnlyList<string>> change) =>
        SaveConditionallyAsync(runId, stored =>
        {
            var tags = change([.. stored.Tags]);
            if (tags.SequenceEqual(stored.Tags, StringComparer.Ordinal))
            {
                return null;
            }
            stored.Tags.Clear();
            stored.Tags.AddRange(tags);
            return stored;
        });

    /// <summary><paramref name="run"/> with the tags of <paramref name="stored"/> (changed in place).</summary>
    public static RunInfo WithTagsOf(RunInfo run, RunInfo stored)
    {
        run.Tags.Clear();
        run.Tags.AddRange(stored.Tags);
        return run;
    }

    /// <summary>Marks a pending or running run cancelled, as stored now; a settled run is left as it is.</summary>
    public Task<RunInfo?> MarkCancelledAsync(string runId) =>
        SaveConditionallyAsync(runId, stored =>
        {
            if (IsSettled(stored.State))
            {
                return null;
            }
            stored.State = RunState.Cancelled;
            stored.FinishedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow);
            stored.EtaSeconds = 0;
            return stored;
        });

    /// <summary>
    /// Optimistic write (WATCH on the run's value): <paramref name="decide"/> sees the stored run and returns what to
    /// write, or null to leave it; retried while another replica changes the run between the read and the write.
    /// </summary>
    private async Task<RunInfo?> SaveConditionallyAsync(string runId, Func<RunInfo, RunInfo?> decide)
    {
        while (true)
        {
            var value = await Db.StringGetAsync(RunKey(runId));
            if (value.IsNull)
            {
                return null;
            }
            var stored = RunInfo.Parser.ParseFrom((byte[])value!);
            if (decide(stored.Clone()) is not { } write)
            {
                return stored;
            }
            var transaction = Db.CreateTransaction();
            transaction.AddCondition(Condition.StringEqual(RunKey(runId), value));
            WriteRun(transaction, write);
            if (await transaction.ExecuteAsync())
            {
                return write;
            }
        }
    }

    /// <summary>Ids of pending and running runs (kept by every write of a run).</summary>
    public async Task<IReadOnlyList<string>> UnfinishedRunIdsAsync() =>
        (await Db.SetMembersAsync(UnfinishedKey)).Select(v => (string)v!).ToArray();

    public async Task<RunInfo?> GetRunAsync(string runId)
    {
        var value = await Db.StringGetAsync(RunKey(runId));
        return value.IsNull ? null : RunInfo.Parser.ParseFrom((byte[])value!);
    }

    public async Task<IReadOnlyList<RunInfo>> ListRunsAsync(int limit = 100)
    {
        var ids = await Db.SortedSetRangeByRankAsync(RunsKey, 0, limit <= 0 ? -1 : limit - 1, Order.Descending);
        var runs = new List<RunInfo>(ids.Length);
        foreach (var id in ids)
        {
            if (await GetRunAsync(id!) is { } run)
            {
                runs.Add(run);
            }
        }
        return runs;
    }

    /// <summary>Removes a run, its predictions and its metrics in one transaction; false when it does not exist.</summary>
    public async Task<bool> DeleteRunAsync(string runId)
    {
        var transaction = Db.CreateTransaction();
        var existed = transaction.KeyDeleteAsync(RunKey(runId));
        _ = transaction.SortedSetRemoveAsync(RunsKey, runId);
        _ = transaction.SetRemoveAsync(UnfinishedKey, runId);
        _ = transaction.KeyDeleteAsync(PredictionsKey(runId));
        if (!await transaction.ExecuteAsync())
        {
            throw new RedisException("the run deletion was not applied");
        }
        return await existed;
    }

    /// <summary>Ids of the records that have a prediction (ids only: a resume skips them).</summary>
    public async Task<HashSet<string>> GetPredictedIdsAsync(string runId) =>
        (await Db.HashKeysAsync(PredictionsKey(runId))).Select(v => (string)v!).ToHashSet(StringComparer.Ordinal);

    public Task<long> CountPredictionsAsync(string runId) => Db.HashLengthAsync(PredictionsKey(runId));

    /// <summary>A run's stored predictions in pages (HSCAN), in no particular order.</summary>
    public async IAsyncEnumerable<IReadOnlyList<RecordPrediction>> ReadPredictionPagesAsync(string runId)
    {
        var page = new List<RecordPrediction>(ScanPage);
        await foreach (var entry in Db.HashScanAsync(PredictionsKey(runId), pageSize: ScanPage))
        {
            page.Add(RecordPrediction.Parser.ParseFrom((byte[])entry.Value!));
            if (page.Count == ScanPage)
            {
                yield return page;
                page = new List<RecordPrediction>(ScanPage);
            }
        }
        if (page.Count > 0)
        {
            yield return page;
        }
    }

    /// <summary>The predictions of these records (null where none is stored), in their order.</summary>
    public async Task<RecordPrediction?[]> GetPredictionsAsync(string runId, IReadOnlyList<string> recordIds)
    {
        var values = await Db.HashGetAsync(PredictionsKey(runId), recordIds.Select(id => (RedisValue)id).ToArray());
        return values.Select(v => v.IsNull ? null : RecordPrediction.Parser.ParseFrom((byte[])v!)).ToArray();
    }

    /// <summary>Stores one record's prediction; the same record stored again replaces, never duplicates.</summary>
    public Task StorePredictionAsync(string runId, RecordPrediction prediction) =>
        Db.HashSetAsync(PredictionsKey(runId), prediction.RecordId, prediction.ToByteArray());

    public async Task<Dictionary<string, RecordPrediction>> GetPredictionsAsync(string runId)
    {
        var entries = await Db.HashGetAllAsync(PredictionsKey(runId));
        return entries.ToDictionary(e => (string)e.Name!, e => RecordPrediction.Parser.ParseFrom((byte[])e.Value!));
    }

    /// <summary>True the first time only: the demo auto-run happens once per store.</summary>
    public Task<bool> TryMarkDemoSeededAsync() => Db.StringSetAsync(DemoSeededKey, DateTimeOffset.UtcNow.ToString("O"), when: When.NotExists);

    public async Task<bool> IsEmptyAsync() =>
        await Db.SortedSetLengthAsync(RunsKey) == 0 && !await Db.KeyExistsAsync(DemoSeededKey);
}
