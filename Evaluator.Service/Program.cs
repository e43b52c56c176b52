using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Evaluator;
using ClinicalAspire.Evaluator.Datasets;
using ClinicalAspire.Evaluator.Runs;
using ClinicalAspire.Evaluator.Security;
using ClinicalAspire.Evaluator.Services;
using ClinicalAspire.Evaluator.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGrpcServiceDefaults(maxRequestBytes: EvaluatorOptions.MaxRequestBytes(builder.Configuration));
// Two Redis roles (README: two Redis roles). The store of record (datasets, runs, predictions, API keys): without it the
// Evaluator can do nothing, so /health is Unhealthy while it is down; a large import on a loaded machine may take longer
// than the cache's 2 s budget. The cache: only swept when a dataset is erased (Degraded while down).
builder.AddGrpcServiceClient<Extractor.ExtractorClient>("extractor");
// Identity on every call outside Development, API keys in the store, per-caller quotas (README: Security).
// Its settings are checked first: a service that would run open says so before anything else.
builder.AddEvaluatorSecurity();
builder.AddClinicalStore(commandTimeout: TimeSpan.FromSeconds(10));
builder.AddClinicalRedis(commandTimeout: TimeSpan.FromSeconds(10));
builder.Services.AddSingleton<StoreSchema>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StoreSchema>());
builder.Services.AddHealthChecks().AddCheck<StoreSchema>("schema");

builder.Services.Configure<EvaluatorOptions>(builder.Configuration.GetSection(EvaluatorOptions.SectionName));
builder.Services.AddSingleton(FeatureCatalogue.Default);
builder.Services.AddSingleton<EvaluatorStore>();
builder.Services.AddSingleton<DatasetImporter>();
builder.Services.AddSingleton<DatasetEraser>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<DatasetEraser>());
builder.Services.AddSingleton<RunScoring>();
builder.Services.AddSingleton<RunBroadcaster>();
builder.Services.AddSingleton<ProfileDirectory>();
builder.Services.AddSingleton<RunCoordinator>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<RunCoordinator>());
// Several Evaluators share the runs: one lease per run, and a scan that takes over runs nobody holds.
builder.Services.AddSingleton<RunLeases>();
builder.Services.AddHostedService<RunTakeover>();
builder.Services.AddSingleton<RunQueries>();
builder.Services.AddSingleton<EvaluatorTelemetry>();
builder.Services.AddHostedService<DemoSeeder>();

var app = builder.Build();

// Observable instruments register when created.
app.Services.GetRequiredService<EvaluatorTelemetry>();

app.MapGrpcService<EvaluatorGrpcService>();
app.MapEvaluatorSecurity();
app.MapGrpcServiceDefaults();
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
