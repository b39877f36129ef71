"""The rendered Kubernetes overlays (build/k8s, `make k8s`) keep what docs/OPERATIONS.md says."""

import re
import subprocess

import pytest
import yaml

from config.services import BLOCKED_PREFIXES, KNOWN_SERVICES, rate_limited_paths
from gateway.render import render, upstream_placeholder
from tools.k8s_manifests import OUTPUT, OVERLAYS, ROOT

# The web Deployments of each overlay, and the services each one hosts.
WEB = {
    "monolith": {"api": ["users", "projects"]},
    "split": {"users": ["users"], "projects": ["projects"]},
    "trial": {"users": ["users"], "projects": ["projects"]},
}


def rendered(overlay: str) -> list[dict]:
    path = OUTPUT / f"{overlay}.yaml"
    assert path.exists(), f"{path}: run make k8s"
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def find(docs: list[dict], kind: str, name: str) -> dict:
    [doc] = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    return doc


def gunicorn_graceful_timeout() -> int:
    import config.gunicorn

    return config.gunicorn.graceful_timeout


def pre_stop_seconds(container: dict) -> int:
    command = container["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep"
    return int(command[1])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_web_pods_have_probes_resources_and_outlast_gunicorns_graceful_stop(overlay):
    docs = rendered(overlay)
    for name in WEB[overlay]:
        pod = find(docs, "Deployment", name)["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            headers = container[probe]["httpGet"]["httpHeaders"]
            assert {"name": "Host", "value": "localhost"} in headers  # an allowed host
        for each in [*pod["initContainers"], container]:
            assert each["resources"]["requests"]
            assert each["resources"]["limits"]
        grace = pod["terminationGracePeriodSeconds"]
        assert grace > pre_stop_seconds(container) + gunicorn_graceful_timeout()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_migrations_run_as_a_job_and_pods_wait_for_them(overlay):
    docs = rendered(overlay)
    for name, services in WEB[overlay].items():
        job = find(docs, "Job", f"{name}-migrate")["spec"]["template"]["spec"]
        assert "migrate_all" in " ".join(job["containers"][0]["args"])
        [wait] = find(docs, "Deployment", name)["spec"]["template"]["spec"]["initContainers"]
        waits_for = re.findall(r"migrate --check --database (\w+)", " ".join(wait["args"]))
        assert sorted(waits_for) == sorted(services)


@pytest.mark.parametrize("overlay", ["split", "trial"])
def test_projects_has_a_disruption_budget_and_an_autoscaler(overlay):
    docs = rendered(overlay)
    deployment = find(docs, "Deployment", "projects")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    budget = find(docs, "PodDisruptionBudget", "projects")["spec"]
    assert budget["selector"]["matchLabels"].items() <= labels.items()
    assert 1 <= budget["minAvailable"] < deployment["spec"]["replicas"]
    scaler = find(docs, "HorizontalPodAutoscaler", "projects")["spec"]
    assert scaler["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "projects",
    }
    assert scaler["minReplicas"] == deployment["spec"]["replicas"] < scaler["maxReplicas"]
    # Pods that can never be evicted make a budget block node drains: there are always spares.
    assert scaler["minReplicas"] > budget["minAvailable"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_are_referenced_never_rendered(overlay):
    docs = rendered(overlay)
    text = (OUTPUT / f"{overlay}.yaml").read_text()
    assert not [d for d in docs if d["kind"] == "Secret"]
    assert "PRIVATE KEY" not in text
    assert not re.search(r"\w+://[^/\s:]+:[^@\s]+@", text)  # no URL with a password
    referenced = set(re.findall(r"secretRef:\n\s+name: ([\w-]+)", text))
    assert {"users-env", "projects-env"} <= referenced


def test_no_secret_file_is_committed_under_deploy():
    tracked = subprocess.run(
        ["git", "ls-files", "deploy"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [name for name in tracked if name.endswith((".env", ".pem", ".key"))]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_runs_the_rendered_routing_table(overlay):
    docs = rendered(overlay)
    gateway = find(docs, "Deployment", "gateway")["spec"]["template"]["spec"]
    [volume] = [v for v in gateway["volumes"] if "configMap" in v]
    config = find(docs, "ConfigMap", volume["configMap"]["name"])["data"]["nginx.conf"]
    assert config == render()
    for prefix in BLOCKED_PREFIXES:
        assert f"location ^~ {prefix} {{\n            return 404;" in config
    for path in rate_limited_paths():
        assert f"location = {path} {{\n            limit_req zone=auth" in config
    [container] = gateway["containers"]
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert mounts["/etc/split-ready/nginx.conf"]["subPath"] == "nginx.conf"
    upstreams = {e["name"]: e["value"] for e in container["env"] if e["name"].endswith("_UPSTREAM")}
    assert set(upstreams) == {upstream_placeholder(name) for name in KNOWN_SERVICES}
    services = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}
    assert {address.split(":")[0] for address in upstreams.values()} <= services


def test_the_trial_overlay_adds_a_database_per_service_and_the_broker():
    docs = rendered("trial")
    stateful = {d["metadata"]["name"] for d in docs if d["kind"] == "StatefulSet"}
    assert stateful == {f"{name}-db" for name in KNOWN_SERVICES} | {"broker"}
    assert not [d for d in rendered("split") if d["kind"] == "StatefulSet"]
