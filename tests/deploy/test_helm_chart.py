"""deploy/helm/accord: linted and rendered by Helm's own engine (Helm 4 through helm-python-sdk,
no `helm` binary needed), each rendered manifest validated against the Kubernetes schemas
(kubernetes-validate), and read for what the chart promises."""

from __future__ import annotations

import copy
import re
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml
from helm_python.errors import HelmError

from tests.deploy.conftest import DEPLOY
from tests.deploy.dockerfile import last_stage

CHART = DEPLOY / "helm" / "accord"
SCALED = {
    "ingress": {
        "enabled": True,
        "className": "nginx",
        "hosts": [
            {"host": "contracts.example.com", "paths": [{"path": "/", "pathType": "Prefix"}]}
        ],
        "tls": [{"secretName": "contracts-tls", "hosts": ["contracts.example.com"]}],
    },
    "autoscaling": {"enabled": True, "minReplicas": 3, "maxReplicas": 9},
    "baseUrl": "https://contracts.example.com",
    "env": {"ACCORD_LOG_LEVEL": "debug", "ACCORD_WORKERS": 4},
}
VALUE_SETS = {"defaults": {}, "ingress-and-autoscaling": SCALED}
# The oldest Kubernetes the chart declares (Chart.yaml kubeVersion) and the newest schemas shipped.
KUBERNETES = ["1.25.0", kubernetes_validate.utils.latest_version() + ".0"]


def render(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each rendered manifest by kind (the chart makes one of each)."""
    with helm.Chart.load(CHART) as chart:
        rendered = chart.render(values, name="accord", namespace="contracts", is_install=True)
    manifests: dict[str, dict[str, Any]] = {}
    for path, text in rendered.items():
        if path.endswith(".txt"):
            continue  # NOTES.txt is shown to the user, not applied
        for document in yaml.safe_load_all(text):
            if document:
                assert document["kind"] not in manifests, path
                manifests[document["kind"]] = document
    return manifests


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in container["env"]}


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_helm_lint_finds_no_warning_or_error(values: dict[str, Any]) -> None:
    report = helm.lint(CHART, values, strict=True)
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []  # warnings and errors


@pytest.mark.parametrize("version", KUBERNETES)
@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_every_rendered_manifest_validates_against_the_kubernetes_schemas(
    values: dict[str, Any], version: str
) -> None:
    for manifest in render(values).values():
        kubernetes_validate.validate(manifest, version, strict=True)


def test_the_schema_validation_is_real_a_broken_deployment_is_refused() -> None:
    deployment = copy.deepcopy(render({})["Deployment"])
    deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES[-1], strict=True)


def test_defaults_make_the_deployment_service_budget_and_migration_job_only() -> None:
    manifests = render({})
    assert set(manifests) == {"Deployment", "Service", "PodDisruptionBudget", "Job"}
    assert manifests["Deployment"]["spec"]["replicas"] == 2
    assert manifests["PodDisruptionBudget"]["spec"]["minAvailable"] == 1


def test_ingress_and_autoscaling_when_enabled() -> None:
    manifests = render(SCALED)
    assert set(manifests) == {
        "Deployment", "Service", "PodDisruptionBudget", "Job", "Ingress", "HorizontalPodAutoscaler"
    }  # fmt: skip
    assert "replicas" not in manifests["Deployment"]["spec"]  # the autoscaler owns the count
    hpa = manifests["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == manifests["Deployment"]["metadata"]["name"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 9)
    ingress = manifests["Ingress"]["spec"]
    assert ingress["ingressClassName"] == "nginx"
    assert ingress["tls"] == [{"secretName": "contracts-tls", "hosts": ["contracts.example.com"]}]
    (rule,) = ingress["rules"]
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": manifests["Service"]["metadata"]["name"], "port": {"name": "http"}}
    container = manifests["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    environment = env_of(container)
    assert environment["ACCORD_BASE_URL"]["value"] == "https://contracts.example.com"
    assert environment["ACCORD_WORKERS"]["value"] == "4"


def test_the_broker_runs_the_images_command_unprivileged_with_probes_and_resources() -> None:
    stage = last_stage(DEPLOY / "docker" / "Dockerfile")
    manifests = render({})
    pod = manifests["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert ["accord", *container["args"]] == stage.command
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert str(pod["securityContext"]["runAsUser"]) == stage.user.split(":")[0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {mount["mountPath"] for mount in container["volumeMounts"]} == {"/tmp", stage.workdir}
    (port,) = container["ports"]
    assert port == {"name": "http", "containerPort": 9292, "protocol": "TCP"}
    assert env_of(container)["ACCORD_PORT"]["value"] == str(port["containerPort"])
    assert container["readinessProbe"]["httpGet"] == {
        "path": "/diagnostic/status/dependencies", "port": "http"
    }  # fmt: skip
    assert container["livenessProbe"]["httpGet"] == {
        "path": "/diagnostic/status/heartbeat", "port": "http"
    }  # fmt: skip
    assert container["resources"]["requests"].keys() == {"cpu", "memory"}
    assert pod["terminationGracePeriodSeconds"] > int(
        container["lifecycle"]["preStop"]["exec"]["command"][1]
    )


def test_secrets_are_referenced_never_written_into_the_manifests() -> None:
    manifests = render({})
    container = manifests["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    environment = env_of(container)
    assert all(name.startswith("ACCORD_") for name in environment)
    for name, key in [
        ("ACCORD_DATABASE_URL", "database-url"),
        ("ACCORD_ADMIN_TOKEN", "admin-token"),
        ("ACCORD_AUDIT_KEY", "audit-key"),
        ("ACCORD_SESSION_KEY", "session-key"),
    ]:
        assert "value" not in environment[name]
        assert environment[name]["valueFrom"]["secretKeyRef"]["key"] == key
    assert "Secret" not in manifests  # the chart creates none: the operator's store owns them


def test_a_read_replica_is_a_secret_reference_given_to_the_brokers_only() -> None:
    assert "ACCORD_DATABASE_READ_URL" not in env_of(
        render({})["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    )
    manifests = render(
        {
            "secrets": {"databaseReadUrl": {"name": "accord-standby", "key": "url"}},
            "env": {"ACCORD_DATABASE_READ_MAX_LAG": 2},
        }
    )
    broker = env_of(manifests["Deployment"]["spec"]["template"]["spec"]["containers"][0])
    reference = broker["ACCORD_DATABASE_READ_URL"]["valueFrom"]["secretKeyRef"]
    assert (reference["name"], reference["key"]) == ("accord-standby", "url")
    assert broker["ACCORD_DATABASE_READ_MAX_LAG"]["value"] == "2"
    # Migrations write: the Job has the primary alone.
    job = env_of(manifests["Job"]["spec"]["template"]["spec"]["containers"][0])
    assert "ACCORD_DATABASE_READ_URL" not in job


def test_the_migration_job_runs_before_install_and_upgrade_outside_the_service() -> None:
    manifests = render({})
    job = manifests["Job"]
    hooks = job["metadata"]["annotations"]
    assert hooks["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert "hook-succeeded" in hooks["helm.sh/hook-delete-policy"]
    pod = job["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert container["args"] == ["broker", "migrate"]
    assert pod["spec"]["restartPolicy"] == "Never"
    environment = env_of(container)
    assert "ACCORD_DATABASE_URL" in environment
    assert "ACCORD_ADMIN_TOKEN" not in environment  # migrating needs the database alone
    labels = pod["metadata"]["labels"]
    for selector in (
        manifests["Service"]["spec"]["selector"],
        manifests["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"],
    ):
        assert not selector.items() <= labels.items()  # the Job's pod is not a broker
        broker_labels = manifests["Deployment"]["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= broker_labels.items()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"env": {"PATH": "/bin"}}, "env: PATH is not an ACCORD_* variable"),
        ({"env": {"ACCORD_ADMIN_TOKEN": "x"}}, "env: ACCORD_ADMIN_TOKEN is a secret"),
        (
            {"env": {"ACCORD_DATABASE_READ_URL": "postgresql://a:b@standby/accord"}},
            "env: ACCORD_DATABASE_READ_URL is a secret",
        ),
        ({"secrets": {"databaseUrl": {"name": ""}}}, "the Secret holding ACCORD_DATABASE_URL"),
        # values.schema.json, checked by Helm before any template runs
        ({"replicaCount": "two"}, "at '/replicaCount': got string, want integer"),
        ({"baseUrl": "contracts.example.com"}, "at '/baseUrl': 'contracts.example.com'"),
        ({"autoscaling": {"minReplicas": 0}}, "at '/autoscaling/minReplicas': minimum"),
        ({"containerPort": 70000}, "at '/containerPort': maximum"),
    ],
)
def test_values_the_broker_cannot_use_are_refused_by_name(
    values: dict[str, Any], message: str
) -> None:
    with pytest.raises(HelmError, match=re.escape(message)):
        render(values)
