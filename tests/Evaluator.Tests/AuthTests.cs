using System.Text;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Evaluator.Security;
using ClinicalAspire.ServiceDefaults.Security;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;
using KeysClient = ClinicalAspire.Contracts.Evaluator.V1.ApiKeys.ApiKeysClient;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>Identity, roles, API keys and quotas on a Production Evaluator over real gRPC.</summary>
public sealed class AuthTests(SecuredEvaluator stack) : IClassFixture<SecuredEvaluator>
{
    private const string Note = "بیمار درد دارد";

    private static ByteString Dataset(int records = 6) => ByteString.CopyFrom(Encoding.UTF8.GetBytes(string.Join("\n",
        Enumerable.Range(1, records).Select(i => "{\"id\":\"a" + i + "\",\"text\":\"" + Note + " " + i + "\",\"language\":\"fa\",\"labels\":{\"pain\":true}}"))));

    private async Task<string> CreateKeyAsync(string name, string role) =>
        (await new KeysClient(stack.WithKey(stack.BootstrapKey)).CreateApiKeyAsync(new CreateApiKeyRequest { Name = name, Role = role })).Key;

    private static async Task<RpcException> Refused(Func<Task> call)
    {
        return await Assert.ThrowsAsync<RpcException>(call);
    }

    [Fact]
    public async Task Anonymous_and_unknown_credentials_are_unauthenticated_naming_the_role_while_health_stays_open()
    {
        var anonymous = new EvaluatorClient(stack.Anonymous);
        var none = await Refused(() => anonymous.ListDatasetsAsync(new ListDatasetsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        Assert.Contains("'reader'", none.Status.Detail);
        Assert.Contains("no credentials", none.Status.Detail);

        var text = await Refused(() => anonymous.GetDatasetAsync(new GetDatasetRequest { DatasetId = "x", Limit = 5 }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, text.StatusCode);
        Assert.Contains("'researcher'", text.Status.Detail);

        var wrongKey = await Refused(() => new EvaluatorClient(stack.WithKey("cak_" + new string('x', 43))).ListDatasetsAsync(new ListDatasetsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrongKey.StatusCode);
        Assert.Contains("unknown or revoked", wrongKey.Status.Detail);

        var keys = await Refused(() => new KeysClient(stack.Anonymous).ListApiKeysAsync(new ListApiKeysRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, keys.StatusCode);

        var health = await new Grpc.Health.V1.Health.HealthClient(stack.Anonymous).CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        using var http = new HttpClient();
        Assert.True((await http.GetAsync($"{stack.Service.HttpAddress}/alive")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_reader_sees_results_but_no_note_text_and_only_an_admin_deletes_or_replaces()
    {
        var researcherKey = await CreateKeyAsync("res-roles", "researcher");
        var researcher = new EvaluatorClient(stack.WithKey(researcherKey));
        var reader = new EvaluatorClient(stack.WithKey(await CreateKeyAsync("read-roles", "reader")));
        await researcher.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "roles", Format = "jsonl", Content = Dataset() });
        var run = await researcher.StartRunAsync(new StartRunRequest { DatasetId = "roles", Concurrency = 2 });
        var finished = await ResumeTests.WaitForStateAsync(researcher, run.RunId);
        Assert.Equal(RunState.Completed, finished.State);
        Assert.NotEmpty((await researcher.GetDatasetAsync(new GetDatasetRequest { DatasetId = "roles", Limit = 10 })).Records);
        Assert.NotEmpty((await researcher.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 10 })).Records);

        // Results: allowed.
        Assert.Contains((await reader.ListDatasetsAsync(new ListDatasetsRequest())).Datasets, d => d.DatasetId == "roles");
        Assert.NotNull((await reader.GetRunAsync(new GetRunRequest { RunId = run.RunId })).Metrics);
        Assert.Empty((await reader.GetDatasetAsync(new GetDatasetRequest { DatasetId = "roles", Limit = 0 })).Records);
        Assert.NotEmpty((await reader.ExportRunAsync(new ExportRunRequest { RunId = run.RunId, Format = "json", Content = "metrics" })).Data);
        Assert.NotEmpty((await reader.GetSystemStatusAsync(new GetSystemStatusRequest())).Components);

        // Note text: refused, each naming the role it needs and the caller.
        foreach (var call in new Func<Task>[]
        {
            () => reader.GetDatasetAsync(new GetDatasetRequest { DatasetId = "roles", Limit = 10 }).ResponseAsync,
            () => reader.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 10 }).ResponseAsync,
            () => reader.ExportRunAsync(new ExportRunRequest { RunId = run.RunId, Format = "json", Content = "records" }).ResponseAsync,
            () => reader.ExportRunAsync(new ExportRunRequest { RunId = run.RunId, Format = "csv" }).ResponseAsync,
            () => reader.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "r2", Format = "jsonl", Content = Dataset() }).ResponseAsync,
            () => reader.StartRunAsync(new StartRunRequest { DatasetId = "roles" }).ResponseAsync,
            () => reader.ExtractAsync(new Contracts.Extractor.V1.ExtractRequest { Text = Note, Language = "fa" }).ResponseAsync,
        })
        {
            var denied = await Refused(call);
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
            Assert.Contains("needs role 'researcher'", denied.Status.Detail);
            Assert.Contains("key:read-roles has role 'reader'", denied.Status.Detail);
            Assert.DoesNotContain(Note, denied.Status.Detail);
        }

        foreach (var call in new Func<Task>[]
        {
            () => researcher.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = "roles" }).ResponseAsync,
            () => researcher.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "roles", Format = "jsonl", Content = Dataset(2), Replace = true }).ResponseAsync,
            () => new KeysClient(stack.WithKey(researcherKey)).ListApiKeysAsync(new ListApiKeysRequest()).ResponseAsync,
        })
        {
            var denied = await Refused(call);
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
            Assert.Contains("needs role 'admin'", denied.Status.Detail);
        }
        Assert.True((await new EvaluatorClient(stack.WithKey(stack.BootstrapKey)).DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = "roles" })).Deleted);
    }

    [Fact]
    public async Task A_key_is_shown_once_listed_without_its_secret_and_refused_from_the_call_after_its_revocation()
    {
        var admin = new KeysClient(stack.WithKey(stack.BootstrapKey));
        var created = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "batch-job", Role = "researcher" });
        Assert.StartsWith("cak_", created.Key);
        Assert.Equal("bootstrap", created.Info.CreatedBy);
        var duplicate = await Refused(() => admin.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "batch-job", Role = "reader" }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);
        var badRole = await Refused(() => admin.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "x", Role = "owner" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, badRole.StatusCode);

        var job = new EvaluatorClient(stack.WithKey(created.Key));
        await job.ListDatasetsAsync(new ListDatasetsRequest());
        // The same key as a bearer value works too (for tools that only set authorization).
        await new EvaluatorClient(stack.WithToken(created.Key)).ListDatasetsAsync(new ListDatasetsRequest());

        var listed = (await admin.ListApiKeysAsync(new ListApiKeysRequest())).Keys.Single(k => k.Name == "batch-job");
        Assert.Equal("researcher", listed.Role);
        Assert.Equal(created.Key[..12], listed.Prefix);
        Assert.NotNull(listed.CreatedAt);
        Assert.NotNull(listed.LastUsedAt);
        Assert.DoesNotContain(created.Key, (await admin.ListApiKeysAsync(new ListApiKeysRequest())).ToString());

        Assert.True((await admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { Name = "batch-job" })).Revoked);
        var revoked = await Refused(() => job.ListDatasetsAsync(new ListDatasetsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, revoked.StatusCode);
        Assert.Contains("unknown or revoked", revoked.Status.Detail);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { Name = "batch-job" }).ResponseAsync)).StatusCode);

        // An admin key made by the bootstrap key can make keys in turn, and is named as their creator.
        var second = new KeysClient(stack.WithKey(await CreateKeyAsync("ops-admin", "admin")));
        Assert.Equal("key:ops-admin", (await second.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "ops-reader", Role = "reader" })).Info.CreatedBy);
    }

    [Fact]
    public async Task Bearer_tokens_from_the_provider_carry_their_roles_and_bad_tokens_are_refused()
    {
        var issuer = stack.Issuer;
        var researcher = new EvaluatorClient(stack.WithToken(issuer.Mint("alice", SecuredEvaluator.Audience, ["researcher"])));
        await researcher.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "jwt", Format = "jsonl", Content = Dataset(2) });
        Assert.Equal(2, (await researcher.GetDatasetAsync(new GetDatasetRequest { DatasetId = "jwt", Limit = 10 })).Records.Count);

        var reader = new EvaluatorClient(stack.WithToken(issuer.Mint("bob", SecuredEvaluator.Audience, ["reader", "unrelated"])));
        await reader.ListDatasetsAsync(new ListDatasetsRequest());
        var denied = await Refused(() => reader.GetDatasetAsync(new GetDatasetRequest { DatasetId = "jwt", Limit = 10 }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("user:bob has role 'reader'", denied.Status.Detail);

        var noRole = await Refused(() => new EvaluatorClient(stack.WithToken(issuer.Mint("carol", SecuredEvaluator.Audience, []))).ListDatasetsAsync(new ListDatasetsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, noRole.StatusCode);
        Assert.Contains("no role", noRole.Status.Detail);

        foreach (var token in new[]
        {
            issuer.Mint("mallory", "another-api", ["admin"]),
            issuer.Mint("mallory", SecuredEvaluator.Audience, ["admin"], lifetime: TimeSpan.FromMinutes(-10)),
            issuer.Mint("mallory", SecuredEvaluator.Audience, ["admin"], issuer: "http://127.0.0.1:1/elsewhere"),
            issuer.Mint("mallory", SecuredEvaluator.Audience, ["admin"])[..^4] + "AAAA",
        })
        {
            var refused = await Refused(() => new EvaluatorClient(stack.WithToken(token)).ListDatasetsAsync(new ListDatasetsRequest()).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
            Assert.Contains("bearer token was not accepted", refused.Status.Detail);
        }
    }

    [Fact]
    public async Task Run_starts_beyond_a_callers_quota_are_resource_exhausted_with_retry_info_and_other_callers_go_on()
    {
        var busy = new EvaluatorClient(stack.WithKey(await CreateKeyAsync("busy", "researcher")));
        var other = new EvaluatorClient(stack.WithKey(await CreateKeyAsync("other", "researcher")));
        await busy.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "quota", Format = "jsonl", Content = Dataset(2) });
        for (var i = 0; i < SecuredEvaluator.RunStartLimit; i++)
        {
            await busy.StartRunAsync(new StartRunRequest { DatasetId = "quota" });
        }
        var exhausted = await Refused(() => busy.StartRunAsync(new StartRunRequest { DatasetId = "quota" }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, exhausted.StatusCode);
        Assert.Contains("run starts", exhausted.Status.Detail);
        var retry = exhausted.GetRpcStatus()?.GetDetail<RetryInfo>();
        Assert.NotNull(retry);
        Assert.InRange(retry.RetryDelay.ToTimeSpan(), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(20));
        Assert.True(int.Parse(exhausted.Trailers.GetValue("retry-after")!) >= 1);
        // A matrix counts one start per run.
        Assert.Equal(StatusCode.ResourceExhausted, (await Refused(() => busy.StartMatrixAsync(new StartMatrixRequest { DatasetId = "quota", EngineProfiles = { "default" } }).ResponseAsync)).StatusCode);

        await other.StartRunAsync(new StartRunRequest { DatasetId = "quota" });
    }

    [Fact]
    public void Every_Evaluator_method_has_a_rule_and_an_unknown_method_needs_admin()
    {
        var map = EvaluatorAccess.Map();
        Assert.Empty(map.UnmappedMethods());
        Assert.Equal(AccessRole.Admin, map.Required("/clinical.evaluator.v1.Evaluator/DeleteRun", null));
        Assert.Equal(AccessRole.Anonymous, map.Required("/grpc.health.v1.Health/Check", null));
        Assert.Equal(AccessRole.Researcher, map.Required("/clinical.evaluator.v1.Evaluator/ImportDataset", null));
        Assert.Equal(AccessRole.Admin, map.Required("/clinical.evaluator.v1.Evaluator/ImportDataset", new ImportDatasetRequest { Replace = true }));
    }

    [Fact]
    public async Task Outside_development_a_service_with_no_credential_configured_refuses_to_start()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync("Evaluator.Service", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Evaluator__DemoAutorun"] = "false",
            ["Auth__Enabled"] = "false",
        }));
        Assert.Contains("Auth:Enabled=false is accepted only in Development", error.Message);
    }

    [Fact]
    public async Task In_development_calls_need_no_identity_and_quotas_count_per_peer_address()
    {
        await using var extractor = new FakeExtractor();
        await extractor.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        await using var evaluator = await ServiceProcess.StartAsync("Evaluator.Service", new Dictionary<string, string>
        {
            ["ConnectionStrings__cache"] = redis.ConnectionString,
            ["Services__extractor__Address"] = extractor.Address,
            ["Evaluator__DemoAutorun"] = "false",
            ["Quotas__Imports__Limit"] = "2",
            ["Quotas__Imports__Window"] = "01:00:00",
        });
        var client = new EvaluatorClient(evaluator.Channel);
        await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "dev1", Format = "jsonl", Content = Dataset(1) });
        Assert.Single((await client.GetDatasetAsync(new GetDatasetRequest { DatasetId = "dev1", Limit = 10 })).Records);
        await client.ValidateDatasetAsync(new ImportDatasetRequest { DatasetId = "dev3", Format = "jsonl", Content = Dataset(1) });
        var exhausted = await Refused(() => client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "dev2", Format = "jsonl", Content = Dataset(1) }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, exhausted.StatusCode);
        Assert.Contains("imports", exhausted.Status.Detail);
    }
}
