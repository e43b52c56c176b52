using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.Evaluator.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGrpcServiceDefaults();
builder.AddClinicalRedis();
builder.AddGrpcServiceClient<Extractor.ExtractorClient>("extractor");

var app = builder.Build();

app.MapGrpcService<EvaluatorGrpcService>();
app.MapGrpcServiceDefaults();
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
