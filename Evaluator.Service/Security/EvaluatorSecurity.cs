using ClinicalAspire.ServiceDefaults.Security;
using Grpc.AspNetCore.Server;

namespace ClinicalAspire.Evaluator.Security;

/// <summary>The Evaluator's identity, API keys and quotas, one call each in Program.cs.</summary>
public static class EvaluatorSecurity
{
    public static WebApplicationBuilder AddEvaluatorSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<IApiKeyResolver>(sp => sp.GetRequiredService<ApiKeyStore>());
        builder.AddServiceAuthentication(EvaluatorAccess.Map(), storedKeys: true);
        builder.Services.Configure<CallerQuotaOptions>(builder.Configuration.GetSection(CallerQuotaOptions.SectionName));
        builder.Services.AddSingleton<CallerQuotaInterceptor>();
        // After the authorization check (added above): quotas key by the identity it established.
        builder.Services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<CallerQuotaInterceptor>());
        return builder;
    }

    public static WebApplication MapEvaluatorSecurity(this WebApplication app)
    {
        app.MapGrpcService<ApiKeysGrpcService>();
        return app;
    }
}
