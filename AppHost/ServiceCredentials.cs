namespace ClinicalAspire.AppHost;

/// <summary>
/// Outside Development the AppHost runs the services as a deployment does: in its own environment (so authentication is
/// on) and each with its own credential, from secret parameters (Parameters:{name}, else generated for this run and
/// shown masked in the Aspire dashboard). In Development nothing is passed and the services accept every call.
/// </summary>
public static class ServiceCredentials
{
    public static void WithServiceCredentials(
        this IDistributedApplicationBuilder builder,
        IReadOnlyList<IResourceBuilder<ProjectResource>> translators,
        IReadOnlyList<IResourceBuilder<ProjectResource>> extractors,
        IResourceBuilder<ProjectResource> evaluator,
        IResourceBuilder<ProjectResource> dashboard)
    {
        var environment = builder.Environment.EnvironmentName;
        foreach (var project in translators.Concat(extractors).Append(evaluator).Append(dashboard))
        {
            project.WithEnvironment("ASPNETCORE_ENVIRONMENT", environment);
        }
        var evaluatorKey = Secret(builder, "evaluator-client-key");
        var extractorKey = Secret(builder, "extractor-client-key");
        var dashboardKey = Secret(builder, "dashboard-client-key");

        // Each caller's key is known to the one service it calls, with the role its work needs.
        evaluator.WithEnvironment("Auth__ClientKey", evaluatorKey)
            .WithEnvironment("Auth__BootstrapAdminKey", Secret(builder, "bootstrap-admin-key"))
            .WithEnvironment("Auth__Callers__dashboard__Key", dashboardKey)
            .WithEnvironment("Auth__Callers__dashboard__Role", "admin");
        // Replicas of a service share its identity.
        foreach (var extractor in extractors)
        {
            extractor.WithEnvironment("Auth__ClientKey", extractorKey)
                .WithEnvironment("Auth__Callers__evaluator__Key", evaluatorKey);
        }
        foreach (var translator in translators)
        {
            translator.WithEnvironment("Auth__Callers__extractor__Key", extractorKey);
        }
        dashboard.WithEnvironment("Auth__ClientKey", dashboardKey)
            .WithEnvironment("Dashboard__AdminKey", Secret(builder, "dashboard-admin-key"));
    }

    private static IResourceBuilder<ParameterResource> Secret(IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 43, Special = false }, secret: true);
}
