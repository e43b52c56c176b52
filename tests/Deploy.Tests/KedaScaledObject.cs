using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>
/// KEDA's ScaledObject (keda.sh/v1alpha1), only the fields its documentation defines that the components use:
/// strict parsing into it rejects a misspelt or unknown field, as the API server's schema would. The YAML loader
/// names fields by camel-casing the property names.
/// </summary>
public sealed class KedaScaledObject : IKubernetesObject<V1ObjectMeta>
{
    public const string ApiGroupVersion = "keda.sh/v1alpha1";

    public static readonly Dictionary<string, Type> TypeMap = new() { [$"{ApiGroupVersion}/ScaledObject"] = typeof(KedaScaledObject) };

    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public ScaledObjectSpec Spec { get; set; } = new();

    public sealed class ScaledObjectSpec
    {
        [JsonPropertyName("scaleTargetRef")] public ScaleTarget ScaleTargetRef { get; set; } = new();
        [JsonPropertyName("minReplicaCount")] public int? MinReplicaCount { get; set; }
        [JsonPropertyName("maxReplicaCount")] public int? MaxReplicaCount { get; set; }
        [JsonPropertyName("pollingInterval")] public int? PollingInterval { get; set; }
        [JsonPropertyName("cooldownPeriod")] public int? CooldownPeriod { get; set; }
        [JsonPropertyName("fallback")] public FallbackSpec? Fallback { get; set; }
        [JsonPropertyName("advanced")] public AdvancedSpec? Advanced { get; set; }
        [JsonPropertyName("triggers")] public List<Trigger> Triggers { get; set; } = [];
    }

    public sealed class ScaleTarget
    {
        [JsonPropertyName("apiVersion")] public string? ApiVersion { get; set; }
        [JsonPropertyName("kind")] public string? Kind { get; set; }
        [JsonPropertyName("name")] public string Name { get; set; } = "";
    }

    public sealed class FallbackSpec
    {
        [JsonPropertyName("failureThreshold")] public int FailureThreshold { get; set; }
        [JsonPropertyName("replicas")] public int Replicas { get; set; }
    }

    public sealed class AdvancedSpec
    {
        [JsonPropertyName("horizontalPodAutoscalerConfig")] public HpaConfig? HorizontalPodAutoscalerConfig { get; set; }
    }

    public sealed class HpaConfig
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("behavior")] public V2HorizontalPodAutoscalerBehavior? Behavior { get; set; }
    }

    public sealed class Trigger
    {
        [JsonPropertyName("type")] public string Type { get; set; } = "";
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("metricType")] public string? MetricType { get; set; }
        [JsonPropertyName("metadata")] public Dictionary<string, string> Metadata { get; set; } = [];
    }
}
