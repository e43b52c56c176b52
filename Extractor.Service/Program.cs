using ClinicalAspire.Contracts.Translator.V1;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines;
using ClinicalAspire.Extractor.Security;
using ClinicalAspire.Extractor;
using ClinicalAspire.Extractor.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGrpcServiceDefaults(maxRequestBytes: ExtractorOptions.MaxRequestBytes(builder.Configuration));
builder.AddClinicalRedis();
builder.AddExtractionEngine();
builder.AddGrpcServiceClient<Translator.TranslatorClient>("translator");
// Identity on every call outside Development (README: Security).
builder.AddServiceAuthentication(ExtractorAccess.Map());

builder.Services.Configure<ExtractorOptions>(builder.Configuration.GetSection(ExtractorOptions.SectionName));
builder.Services.AddSingleton(sp => ExtractorOptions.LoadCatalogue(builder.Configuration));
builder.Services.AddSingleton<ExtractorMetrics>();
builder.Services.AddSingleton<ExtractionHandler>();

var app = builder.Build();

// Fail at start, not on the first call, when the catalogue file is broken.
app.Services.GetRequiredService<FeatureCatalogue>();

app.MapGrpcService<ExtractorGrpcService>();
app.MapGrpcServiceDefaults();
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
