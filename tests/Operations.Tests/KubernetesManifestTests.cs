using ChatApp.Silo.Hosting;
using ChatApp.Tests.Operations.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>docs/kubernetes/, read as Kubernetes reads it, against what the processes need.</summary>
public sealed class KubernetesManifestTests
{
    private readonly KubernetesManifests _manifests = KubernetesManifests.Load();

    [Fact]
    public void The_kustomization_lists_files_that_exist_and_every_file_parses()
    {
        var kustomization = _manifests.Get("Kustomization", "");
        foreach (var resource in kustomization.Root.List("resources").Texts())
        {
            Assert.True(File.Exists(Path.Combine(KubernetesManifests.Folder, resource)), resource);
        }
        Assert.All(_manifests.Objects, o => Assert.False(string.IsNullOrEmpty(o.Kind), o.File));
    }

    [Fact]
    public void Silos_know_their_pod_and_advertise_its_address_and_may_only_read_and_label_pods()
    {
        var silo = _manifests.Get("Deployment", "chatapp-silo");
        var env = silo.Environment;
        Assert.Equal("true", env["Orleans__Kubernetes"]);
        Assert.Equal("fieldRef:metadata.name", env["POD_NAME"]);
        Assert.Equal("fieldRef:metadata.namespace", env["POD_NAMESPACE"]);
        Assert.Equal("fieldRef:status.podIP", env["POD_IP"]);
        Assert.Equal("$(POD_IP)", env["Orleans__AdvertisedAddress"]);
        // Kubernetes expands $(POD_IP) only from a variable defined before it.
        Assert.True(env.Keys.ToList().IndexOf("POD_IP") < env.Keys.ToList().IndexOf("Orleans__AdvertisedAddress"));

        // Orleans' Kubernetes hosting selects the cluster's pods by these labels.
        var labels = silo.Root.Map("spec").Map("template").Map("metadata").Map("labels");
        Assert.Equal(env["Orleans__ClusterId"], labels.Text("orleans/clusterId"));
        Assert.Equal(env["Orleans__ServiceId"], labels.Text("orleans/serviceId"));

        var account = silo.PodSpec.Text("serviceAccountName");
        var binding = _manifests.Objects.Single(o => o.Kind == "RoleBinding"
            && o.Root.List("subjects").Maps().Any(s => s.Text("kind") == "ServiceAccount" && s.Text("name") == account));
        var role = _manifests.Get("Role", binding.Root.Map("roleRef").Text("name"));
        var rule = Assert.Single(role.Root.List("rules").Maps());
        Assert.Equal(["pods"], rule.List("resources").Texts());
        Assert.Equal(["get", "list", "patch", "watch"], rule.List("verbs").Texts().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Pods_are_given_longer_to_stop_than_the_processes_take()
    {
        var silo = _manifests.Get("Deployment", "chatapp-silo");
        Assert.True(int.Parse(silo.PodSpec.Text("terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture)
            > SiloOptions.DefaultShutdownTimeout.TotalSeconds + 5);

        // The gateway: the preStop pause, then up to 5 s for its sockets' 1001 closes, then open requests.
        var gateway = _manifests.Get("Deployment", "chatapp-gateway");
        var pause = int.Parse(gateway.Container.Map("lifecycle").Map("preStop").Map("sleep").Text("seconds"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(int.Parse(gateway.PodSpec.Text("terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture) >= pause + 5 + 10);
    }

    [Fact]
    public void Each_kind_of_pod_has_a_disruption_budget_and_the_gateway_a_websocket_friendly_ingress()
    {
        foreach (var name in new[] { "chatapp-silo", "chatapp-gateway" })
        {
            var budget = _manifests.Get("PodDisruptionBudget", name);
            Assert.Equal(name, budget.Root.Map("spec").Map("selector").Map("matchLabels").Text("app.kubernetes.io/name"));
        }
        var annotations = _manifests.Get("Ingress", "chatapp").Root.Map("metadata").Map("annotations");
        // ingress-nginx cuts a socket idle for 60 s by default; the gateway pings every 30 s.
        Assert.True(int.Parse(annotations.Text("nginx.ingress.kubernetes.io/proxy-read-timeout"), System.Globalization.CultureInfo.InvariantCulture) > 60);
        Assert.True(int.Parse(annotations.Text("nginx.ingress.kubernetes.io/proxy-send-timeout"), System.Globalization.CultureInfo.InvariantCulture) > 60);
    }

    [Fact]
    public void The_migration_job_runs_the_silo_image_with_migrate_and_the_database_secret()
    {
        var job = _manifests.Get("Job", "chatapp-migrate");
        Assert.Contains("chatapp-silo", job.Container.Text("image"), StringComparison.Ordinal);
        Assert.Equal(["migrate"], job.Container.List("args").Texts());
        Assert.Equal(_manifests.Get("Deployment", "chatapp-silo").Environment["ConnectionStrings__Chat"], job.Environment["ConnectionStrings__Chat"]);
    }

    [Fact]
    public void Every_secret_the_manifests_use_is_one_docs_deploy_md_tells_how_to_make()
    {
        var deploy = File.ReadAllText(Path.Combine(ChatSystem.RepositoryRoot, "docs", "deploy.md"));
        var secrets = _manifests.Objects.Where(o => o.Kind is "Deployment" or "Job")
            .SelectMany(o => o.Environment.Values.Where(v => v.StartsWith("secret:", StringComparison.Ordinal)).Select(v => v["secret:".Length..].Split('/')[0])
                .Concat(o.PodSpec.Children.ContainsKey("volumes")
                    ? o.PodSpec.List("volumes").Maps().Where(v => v.Children.ContainsKey("secret")).Select(v => v.Map("secret").Text("secretName"))
                    : []))
            .Append(_manifests.Get("Ingress", "chatapp").Root.Map("spec").List("tls").Maps().Single().Text("secretName"))
            .Distinct()
            .ToList();
        Assert.Contains("chatapp-database", secrets);
        var made = deploy.Split('\n').Where(line => line.StartsWith("kubectl -n chatapp create secret ", StringComparison.Ordinal)).ToList();
        Assert.All(secrets, secret => Assert.Contains(made, line => line.Contains($" {secret} ", StringComparison.Ordinal)));
    }
}
