using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace ClinicalAspire.TestSupport;

/// <summary>
/// A gRPC call with a request body the test writes byte for byte (what a broken or hostile client sends), over HTTP/2
/// without TLS; returns the status the server answered with, from the headers (trailers-only) or the trailers.
/// </summary>
public static class RawGrpc
{
    public static async Task<(int Status, string Message)> CallAsync(string grpcAddress, string method, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{grpcAddress}/{method}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var headers = response.Headers.Contains("grpc-status") ? (HttpHeaders)response.Headers : response.TrailingHeaders;
        var status = int.Parse(headers.GetValues("grpc-status").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var message = headers.TryGetValues("grpc-message", out var values) ? Uri.UnescapeDataString(values.Single()) : "";
        return (status, message);
    }
}
