using System.Text;
using Grpc.Core;

namespace ClinicalAspire.Contracts.Common.V1;

/// <summary>
/// Serves a bidirectional "many items" stream: requests are handled with bounded concurrency, responses are
/// written as they complete (so they may arrive out of order, keyed by the caller's ids), and a failure of
/// one item becomes an <see cref="ItemError"/> in its response instead of ending the stream.
/// </summary>
public static class StreamProcessor
{
    public static async Task RunAsync<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requests,
        IServerStreamWriter<TResponse> responses,
        int concurrency,
        Func<TRequest, CancellationToken, Task<TResponse>> handle,
        Func<TRequest, ItemError, TResponse> failed,
        CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, concurrency));
        using var writeLock = new SemaphoreSlim(1, 1);
        var running = new List<Task>();

        while (await requests.MoveNext(cancellationToken))
        {
            var request = requests.Current;
            await slots.WaitAsync(cancellationToken);
            running.Add(HandleOneAsync(request));
            running.RemoveAll(task => task.IsCompletedSuccessfully);
        }
        await Task.WhenAll(running);

        async Task HandleOneAsync(TRequest request)
        {
            try
            {
                TResponse response;
                try
                {
                    response = await handle(request, cancellationToken);
                }
                catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
                {
                    response = failed(request, new ItemError { Code = CodeName(ex.StatusCode), Detail = ex.Status.Detail });
                }
                await writeLock.WaitAsync(cancellationToken);
                try
                {
                    await responses.WriteAsync(response, cancellationToken);
                }
                finally
                {
                    writeLock.Release();
                }
            }
            finally
            {
                slots.Release();
            }
        }
    }

    /// <summary>The canonical gRPC name of a status code, e.g. INVALID_ARGUMENT.</summary>
    public static string CodeName(StatusCode code)
    {
        var name = code.ToString();
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                builder.Append('_');
            }
            builder.Append(char.ToUpperInvariant(name[i]));
        }
        return builder.ToString();
    }
}
