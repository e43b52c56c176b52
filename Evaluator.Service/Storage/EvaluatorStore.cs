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
/// <c>clinical:run:{id}</c> (run), <c>clinical:run:{id}:predictions</c> (hash record id -> prediction).
/// A dataset's records are written under a key named by their content hash before the info that points
/// at them, so an import is visible whole or not at all. One prediction per record id (HSET): a record
/// stored twice (after a resume) is still counted once.
/// </remarks>
public sealed class EvaluatorStore(IConnectionMultiplexer redis)
{
    private const string DatasetsKey = "clinical:datasets";
    private const string RunsKey = "clinical:runs";
    private const string DemoSeededKey = "clinical:demo:seeded";
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
    public async Task<bool> SaveDatasetAsync(DatasetInfo info, IReadOnlyList<DatasetRecord> records, bool replace)
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
                for (var i = 0; i < records.Count; i += WriteBatch)
                {
                    var batch = records.Skip(i).Take(WriteBatch).Select(r => (RedisValue)r.ToByteArray()).ToArray();
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

    public async Task<bool> DeleteDatasetAsync(string datasetId)
    {
        var info = await GetDatasetAsync(datasetId);
        if (info is null)
        {
            return false;
        }
        var transaction = Db.CreateTransaction();
        _ = transaction.KeyDeleteAsync(DatasetKey(datasetId));
        _ = transaction.SortedSetRemoveAsync(DatasetsKey, datasetId);
        _ = transaction.KeyDeleteAsync(RecordsKey(datasetId, info.ContentHash));
        return await transaction.ExecuteAsync();
    }

    // ---------- runs ----------

    public Task SaveRunAsync(RunInfo run)
    {
        var transaction = Db.CreateTransaction();
        _ = transaction.StringSetAsync(RunKey(run.RunId), run.ToByteArray());
        _ = transaction.SortedSetAddAsync(RunsKey, run.RunId, run.CreatedAt.ToDateTimeOffset().ToUnixTimeMilliseconds());
        return transaction.ExecuteAsync();
    }

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
