using ClinicalAspire.Engines;
using ClinicalAspire.Translator.Security;
using ClinicalAspire.Translator;
using ClinicalAspire.Translator.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGrpcServiceDefaults(maxRequestBytes: TranslatorOptions.MaxRequestBytes(builder.Configuration));
builder.AddClinicalRedis();
builder.AddTranslationEngine();
// Identity on every call outside Development (README: Security).
builder.AddServiceAuthentication(TranslatorAccess.Map());

builder.Services.Configure<TranslatorOptions>(builder.Configuration.GetSection(TranslatorOptions.SectionName));
builder.Services.AddSingleton<TranslatorMetrics>();
builder.Services.AddSingleton<TranslationHandler>();

var app = builder.Build();

app.MapGrpcService<TranslatorGrpcService>();
app.MapGrpcServiceDefaults();
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
