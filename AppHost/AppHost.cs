using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using ClinicalAspire.AppHost;
using ClinicalAspire.AppHost.Cache;

var builder = DistributedApplication.CreateBuilder(args);

// Redis: container, local redis-server, embedded Garnet or external (Cache:Mode), decided before anything is added.
// One server holds the result caches and the Evaluator's store of record unless Redis:SeparateStore asks for two
// (README: two Redis roles); the Evaluator's "store" connection falls back to "cache" when there is no "store".
var separateStore = builder.Configuration.GetValue("Redis:SeparateStore", false);
var cache = builder.AddClinicalRedis("cache", separateStore ? RedisRole.Cache : RedisRole.Shared);
var store = separateStore ? builder.AddClinicalRedis("store", RedisRole.Store) : null;

// Engines and models: the default pair from these parameters, or named profiles from Profiles:File (README: engine profiles).
var extractorEngine = builder.AddParameter("extractor-engine");
var extractorPromptMode = builder.AddParameter("extractor-prompt-mode");
var translatorEngine = builder.AddParameter("translator-engine");
var executionProvider = builder.AddParameter("execution-provider");
var demoAutorun = builder.AddParameter("evaluator-demo-autorun");
// A secret, shown masked in the Aspire dashboard; only when an OpenAI-compatible server needs a key.
var openAiApiKey = string.IsNullOrEmpty(builder.Configuration["Parameters:openai-api-key"])
    ? null : builder.AddParameter("openai-api-key", secret: true);

// Services wait for Redis to answer, and for the services they call to have started (not to be healthy):
// the chain then starts nearly in parallel, and each client retries until its dependency answers. Health
// still tells the truth: every /health includes the service's dependencies.
// Replicas:Translator / Replicas:Extractor start several instances; their callers balance per call (README: Scaling out).
var translators = builder.AddReplicas("translator", name => builder.AddProject<Projects.Translator_Service>(name)
    .WithReference(cache).WaitFor(cache)
    .WithEnvironment("Engine__Kind", translatorEngine)
    .WithModelSettings(executionProvider, openAiApiKey, role: "translator")
    .WithEngineProfiles()
    .WithGrpcServiceDefaults());

var extractors = builder.AddReplicas("extractor", name => builder.AddProject<Projects.Extractor_Service>(name)
    .WithReference(cache).WaitFor(cache)
    .WithReference(translators)
    .WithEnvironment("Engine__Kind", extractorEngine)
    .WithEnvironment("Engine__PromptMode", extractorPromptMode)
    .WithModelSettings(executionProvider, openAiApiKey, role: "extractor")
    .WithEngineProfiles()
    .WithGrpcServiceDefaults());

var evaluatorGrpcPort = builder.Configuration.GetValue("Ports:EvaluatorGrpc", 5090);
var evaluator = builder.AddProject<Projects.Evaluator_Service>("evaluator")
    .WithReference(cache).WaitFor(cache)
    .WithStore(store)
    .WithReference(extractors)
    .WithEnvironment("Evaluator__DemoAutorun", demoAutorun)
    .WithEndpoint(GrpcEndpoints.Grpc, endpoint => endpoint.Port = evaluatorGrpcPort)
    .WithGrpcServiceDefaults();

var dashboardPort = builder.Configuration.GetValue("Ports:Dashboard", 5080);
var dashboard = builder.AddProject<Projects.Dashboard_Web>("dashboard")
    .WithReference(evaluator).WaitForStart(evaluator)
    .WithEndpoint(GrpcEndpoints.Http, endpoint => endpoint.Port = dashboardPort)
    .WithHttpHealthCheck("/health", endpointName: GrpcEndpoints.Http)
    .WithExternalHttpEndpoints()
    .WithQuickTelemetryShutdown();

// Development: services open, no credentials (each says so in its log). Otherwise identities on, as deployed (README: Security).
if (!builder.Environment.IsDevelopment())
{
    builder.WithServiceCredentials(translators, extractors, evaluator, dashboard);
}

builder.Build().Run();
