using k8s;
using k8s.Models;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>
/// The store's snapshots: a CronJob on the store's node runs the repository's backup script (the one Evaluator.Tests
/// runs against a real redis-server) into a volume of its own, and the restore Job is ready to apply by hand.
/// </summary>
public class BackupTests
{
    private static string Script(string name) => File.ReadAllText(Path.Combine(RepoPaths.K8s, "base", "backup", name));

    [Theory]
    [InlineData("base")]
    [InlineData("gpu")]
    [InlineData("vllm")]
    public void A_cronjob_snapshots_the_store_with_the_repositorys_script_into_its_own_volume(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var cron = rendered.Single<V1CronJob>("redis-store-backup");
        var pod = cron.Spec.JobTemplate.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal("Forbid", cron.Spec.ConcurrencyPolicy);
        Assert.Equal("Never", pod.RestartPolicy);
        Assert.Equal(["sh", "/scripts/store-backup.sh"], container.Command);
        var env = container.Env.ToDictionary(e => e.Name);
        Assert.Equal("redis-store", env["STORE_HOST"].Value);
        Assert.True(int.Parse(env["KEEP"].Value) >= 2, "retention keeps at least two snapshots");
        Assert.Equal("clinicalaspire-redis", env["REDISCLI_AUTH"].ValueFrom.SecretKeyRef.Name);

        // The store's claim read-only (on the store's node: ReadWriteOnce), the backups' claim writable, the script as committed.
        var volumes = pod.Volumes.ToDictionary(v => v.Name);
        var mounts = container.VolumeMounts.ToDictionary(m => m.Name);
        Assert.Equal("data-redis-store-0", volumes["store"].PersistentVolumeClaim.ClaimName);
        Assert.True(volumes["store"].PersistentVolumeClaim.ReadOnlyProperty);
        Assert.Equal((env["STORE_DATA_DIR"].Value, (bool?)true), (mounts["store"].MountPath, mounts["store"].ReadOnlyProperty));
        Assert.Equal("redis-store-backups", volumes["backups"].PersistentVolumeClaim.ClaimName);
        Assert.Equal(env["BACKUP_DIR"].Value, mounts["backups"].MountPath);
        Assert.NotNull(rendered.Single<V1PersistentVolumeClaim>("redis-store-backups"));
        var affinity = Assert.Single(pod.Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
        Assert.Equal("kubernetes.io/hostname", affinity.TopologyKey);
        Assert.Equal("redis-store", affinity.LabelSelector.MatchLabels["app.kubernetes.io/name"]);
        var scripts = rendered.Single<V1ConfigMap>(volumes["scripts"].ConfigMap.Name);
        Assert.Equal(Script("store-backup.sh"), scripts.Data["store-backup.sh"]);
        Assert.Equal(Script("store-restore.sh"), scripts.Data["store-restore.sh"]);

        // The same pod rules as every workload.
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Contains("ALL", container.SecurityContext.Capabilities.Drop);
        Assert.NotNull(container.Resources.Limits["memory"]);
        Assert.Matches(@":\d+\.\d+\.\d+", container.Image);
    }

    [Fact]
    public void The_restore_job_writes_the_stores_claim_from_the_backups_with_the_same_scripts()
    {
        var job = KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(RepoPaths.K8s, "restore", "redis-store-restore.yaml")), typeMap: null, strict: true)
            .Cast<V1Job>().Single();
        var pod = job.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var volumes = pod.Volumes.ToDictionary(v => v.Name);
        var base_ = Kustomize.Render("base");
        var cron = base_.Single<V1CronJob>("redis-store-backup").Spec.JobTemplate.Spec.Template.Spec;

        Assert.Equal("clinicalaspire", job.Metadata.NamespaceProperty);
        Assert.Equal(0, job.Spec.BackoffLimit);
        Assert.Contains("/scripts/store-restore.sh", string.Join(' ', container.Command));
        Assert.Equal("data-redis-store-0", volumes["store"].PersistentVolumeClaim.ClaimName);
        Assert.NotEqual(true, volumes["store"].PersistentVolumeClaim.ReadOnlyProperty);
        Assert.Equal("redis-store-backups", volumes["backups"].PersistentVolumeClaim.ClaimName);
        // The ConfigMap the CronJob mounts, under the fixed name the hand-applied Job can know.
        Assert.Equal(cron.Volumes.Single(v => v.Name == "scripts").ConfigMap.Name, volumes["scripts"].ConfigMap.Name);
        Assert.Equal(base_.Single<V1StatefulSet>("redis-store").Spec.Template.Spec.Containers[0].Image, container.Image);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
    }
}
