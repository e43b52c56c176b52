using System.Security.Cryptography;
using System.Text;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.Contracts.Translator.V1;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using Grpc.Core;

namespace ClinicalAspire.Services.Tests;

/// <summary>
/// The three services in Production, each with its own credential as the AppHost and Kubernetes give them: the Evaluator
/// calls the Extractor with its key, the Extractor the Translator with its own; callers without one are refused.
/// </summary>
public sealed class ServiceIdentityTests
{
    private const string Audience = "clinical-api";
    private const string Note = "بیمار از دیشب درد شدید کمر دارد ولی تب ندارد.";

    private static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static CallInvoker With(ServiceProcess service, string name, string value) => service.WithHeader(name, value);

    private static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    [Fact]
    public async Task A_run_goes_through_the_extractor_and_translator_on_service_credentials_and_nobody_else_reaches_them()
    {
        string evaluatorKey = Secret(), extractorKey = Secret(), bootstrap = Secret();
        await using var issuer = await TestTokenIssuer.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        var jwt = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__Jwt__Authority"] = issuer.Authority,
            ["Auth__Jwt__Audience"] = Audience,
            ["Auth__Jwt__RequireHttpsMetadata"] = "false",
        };
        await using var translator = await ServiceProcess.StartAsync("Translator.Service", new Dictionary<string, string>(jwt)
        {
            ["Auth__Callers__extractor__Key"] = extractorKey,
        });
        await using var extractor = await ServiceProcess.StartAsync("Extractor.Service", new Dictionary<string, string>(jwt)
        {
            ["Services__translator__Address"] = translator.GrpcAddress,
            ["Auth__Callers__evaluator__Key"] = evaluatorKey,
            ["Auth__ClientKey"] = extractorKey,
        });
        await using var evaluator = await ServiceProcess.StartAsync("Evaluator.Service", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__cache"] = redis.ConnectionString,
            ["Services__extractor__Address"] = extractor.GrpcAddress,
            ["Evaluator__DemoAutorun"] = "false",
            ["Auth__BootstrapAdminKey"] = bootstrap,
            ["Auth__ClientKey"] = evaluatorKey,
        });

        // Through the chain: translate-first needs the Extractor to reach the Translator with its own key.
        var client = new Evaluator.EvaluatorClient(With(evaluator, "x-api-key", bootstrap));
        var records = string.Join("\n", Enumerable.Range(1, 4).Select(i => "{\"id\":\"c" + i + "\",\"text\":\"" + Note + " " + i + "\",\"language\":\"fa\",\"labels\":{\"pain\":true}}"));
        await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "chain", Format = "jsonl", Content = ByteString.CopyFromUtf8(records) });
        var run = await client.StartRunAsync(new StartRunRequest { DatasetId = "chain", Strategy = "translate-first" });
        RunInfo info;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(100);
            info = await client.GetRunAsync(new GetRunRequest { RunId = run.RunId });
        }
        while (info.State is RunState.Pending or RunState.Running && DateTime.UtcNow < deadline);
        Assert.Equal((RunState.Completed, 4, 0), (info.State, info.Completed, info.Failed));
        var status = await client.GetSystemStatusAsync(new GetSystemStatusRequest());
        Assert.All(status.Components, c => Assert.NotEqual("Unhealthy", c.Status.ToString()));

        // Without a credential: refused, naming the role.
        var extract = new ExtractRequest { Text = Note, Language = "fa" };
        var anonymous = await Refused(() => new Extractor.ExtractorClient(extractor.Channel).ExtractAsync(extract).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Contains("'researcher'", anonymous.Status.Detail);
        var anonymousTranslate = await Refused(() => new Translator.TranslatorClient(translator.Channel).TranslateAsync(new TranslateRequest { Text = Note, SourceLanguage = "fa" }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymousTranslate.StatusCode);

        // A credential of one service is not accepted by another it does not call: the Evaluator's key opens no Translator.
        var wrongService = await Refused(() => new Translator.TranslatorClient(With(translator, "x-api-key", evaluatorKey)).TranslateAsync(new TranslateRequest { Text = Note, SourceLanguage = "fa" }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrongService.StatusCode);

        // A reader's token: descriptions yes, notes no.
        var reader = issuer.Mint("rita", Audience, ["reader"]);
        var readerExtractor = new Extractor.ExtractorClient(With(extractor, "authorization", $"Bearer {reader}"));
        Assert.NotEmpty((await readerExtractor.ListFeaturesAsync(new ListFeaturesRequest())).Features);
        var denied = await Refused(() => readerExtractor.ExtractAsync(extract).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("needs role 'researcher'", denied.Status.Detail);
        var readerTranslator = new Translator.TranslatorClient(With(translator, "authorization", $"Bearer {reader}"));
        await readerTranslator.GetInfoAsync(new Contracts.Translator.V1.GetInfoRequest());
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(() => readerTranslator.TranslateAsync(new TranslateRequest { Text = Note, SourceLanguage = "fa" }).ResponseAsync)).StatusCode);

        // A researcher's token reaches the Extractor directly, streams included.
        var researcher = new Extractor.ExtractorClient(With(extractor, "authorization", $"Bearer {issuer.Mint("rob", Audience, ["researcher"])}"));
        Assert.NotEmpty((await researcher.ExtractAsync(extract)).Features);
        using var stream = researcher.ExtractStream();
        await stream.RequestStream.WriteAsync(new ExtractRequest { Id = "s1", Text = Note, Language = "fa" });
        await stream.RequestStream.CompleteAsync();
        Assert.True(await stream.ResponseStream.MoveNext());
    }
}
