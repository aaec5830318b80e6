"""deploy/kubernetes checked offline, and the Deployment checked against the server it runs.

The schemas come from the kubernetes-validate wheel (the OpenAPI schemas of every
Kubernetes release it supports, converted to JSON Schema), so CI needs no cluster and no
network. Its *strict* schemas reject unknown fields: without them a misspelled optional
field (``terminationGracePeriodSecond``) would pass, and Kubernetes' client-side apply
would drop it with no more than a warning.

The second half checks what a schema cannot: that the probes ask the server's own
health names on the plaintext health listener, and that the kubelet's SIGKILL comes only
after the preStop sleep and the server's whole drain.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from dataaccess_server.api.health import LIVENESS, OVERALL
from dataaccess_server.config import parse_duration
from dataaccess_server.config.workers import parse_workers

MANIFESTS = Path(__file__).resolve().parent.parent / "deploy" / "kubernetes"
KUSTOMIZATION = MANIFESTS / "kustomization.yaml"
OBJECT_FILES = sorted(p for p in MANIFESTS.glob("*.yaml") if p != KUSTOMIZATION)

# The oldest release the Deployment supports (its preStop `sleep` action is beta, on by
# default, from 1.30) and the newest the pinned validator bundles.
KUBERNETES_VERSIONS = ("1.30", kubernetes_validate.latest_version())

# Objects of CRDs, for which no Kubernetes release has a schema. Each must really have
# none (asserted), so that a bundled schema, once there is one, is used.
CUSTOM_RESOURCES = {("cert-manager.io/v1", "Certificate")}

# Files kustomization.yaml leaves out on purpose (it says why).
NOT_IN_KUSTOMIZATION = {"secret.example.yaml", "certificate.example.yaml"}


def _documents(path: Path) -> list[dict[str, Any]]:
    """The file's YAML documents, as kubectl would read them (empty ones skipped)."""
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _only(path: Path, kind: str) -> dict[str, Any]:
    docs = [doc for doc in _documents(path) if doc["kind"] == kind]
    assert len(docs) == 1, f"{path.name}: expected one {kind}, found {len(docs)}"
    return docs[0]


def _strict_errors(doc: dict[str, Any], version: str) -> list[str]:
    """What the strict schema of `version` says is wrong with `doc` (empty: valid)."""
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as e:
        where = ".".join(str(part) for part in e.path)
        return [f"{doc['kind']}/{doc['metadata']['name']}: {where}: {e.message}"]
    return []


def _deployment() -> dict[str, Any]:
    return _only(MANIFESTS / "deployment.yaml", "Deployment")


def _container() -> dict[str, Any]:
    containers = _deployment()["spec"]["template"]["spec"]["containers"]
    (container,) = (c for c in containers if c["name"] == "dataaccess")
    return dict(container)


def _port(container: dict[str, Any], name: str) -> int:
    (port,) = (p["containerPort"] for p in container["ports"] if p["name"] == name)
    return int(port)


def _env(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}


def test_the_manifests_are_found() -> None:
    # A glob that matched nothing would make every parametrized check below vanish.
    names = {p.name for p in OBJECT_FILES}
    assert {"deployment.yaml", "configmap.yaml", "service.yaml"} <= names


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", OBJECT_FILES, ids=lambda p: p.name)
def test_every_manifest_matches_the_strict_kubernetes_schema(path: Path, version: str) -> None:
    docs = _documents(path)
    assert docs, f"{path.name} holds no object"
    errors: list[str] = []
    for doc in docs:
        if (doc["apiVersion"], doc["kind"]) in CUSTOM_RESOURCES:
            with pytest.raises(kubernetes_validate.SchemaNotFoundError):
                kubernetes_validate.validate(doc, version, strict=True)
            continue
        errors += _strict_errors(doc, version)
    assert errors == []


def test_kustomization_lists_every_manifest_and_only_files_that_exist() -> None:
    # Not a Kubernetes object (kustomize reads it, the API server never sees it), so no
    # schema: checked for what `kubectl apply -k` needs.
    (kustomization,) = _documents(KUSTOMIZATION)
    assert kustomization["kind"] == "Kustomization"
    listed = list(kustomization["resources"])
    assert len(listed) == len(set(listed)), f"listed twice: {listed}"
    missing = [name for name in listed if not (MANIFESTS / name).is_file()]
    assert missing == []
    unlisted = {p.name for p in OBJECT_FILES} - set(listed) - NOT_IN_KUSTOMIZATION
    assert unlisted == set(), "new manifests must be listed in kustomization.yaml"
    # `images:` rewrites the Deployment's image only if the names match.
    image_names = {image["name"] for image in kustomization["images"]}
    assert _container()["image"].split(":")[0] in image_names


def test_certificate_example_writes_the_secret_the_deployment_mounts() -> None:
    # The one object no schema covers: at least it must feed the pod's TLS volume.
    certificate = _only(MANIFESTS / "certificate.example.yaml", "Certificate")
    volumes = _deployment()["spec"]["template"]["spec"]["volumes"]
    (tls,) = (v for v in volumes if v["name"] == "tls")
    assert certificate["spec"]["secretName"] == tls["secret"]["secretName"]


def _broken_copy(tmp_path: Path, field: str, misspelled: str) -> Path:
    text = (MANIFESTS / "deployment.yaml").read_text()
    assert f"{field}:" in text
    broken = tmp_path / "deployment.yaml"
    broken.write_text(text.replace(f"{field}:", f"{misspelled}:", 1))
    return broken


def test_a_misspelled_field_fails_validation(tmp_path: Path) -> None:
    """AC7: the check CI runs rejects a manifest broken on purpose, and says where."""
    broken = _broken_copy(tmp_path, "containerPort", "containerPrt")
    (doc,) = _documents(broken)
    # The validator reports its best match only: here the missing required field (the
    # unknown one is reported once that is fixed, as the next test shows).
    where = "spec.template.spec.containers.0.ports.0: 'containerPort' is a required property"
    for version in KUBERNETES_VERSIONS:
        assert _strict_errors(doc, version) == [f"Deployment/dataaccess: {where}"]
    # The command-line form, as an operator would run it: exit 1, the place named.
    run = subprocess.run(
        [sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert where in run.stdout


def test_a_misspelled_optional_field_is_caught_only_by_the_strict_schema(tmp_path: Path) -> None:
    # Why strict: a required field misspelled is also a missing field, but an optional
    # one (the termination budget, checked below) passes the lenient schema unnoticed.
    broken = _broken_copy(tmp_path, "terminationGracePeriodSeconds", "terminationGracePeriodSecond")
    (doc,) = _documents(broken)
    version = kubernetes_validate.latest_version()
    kubernetes_validate.validate(doc, version, strict=False)
    (error,) = _strict_errors(doc, version)
    assert "terminationGracePeriodSecond" in error


def _probes(container: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert name in container, f"the dataaccess container has no {name}"
        yield name, container[name]


def test_probes_are_native_grpc_probes_on_the_health_port() -> None:
    container = _container()
    health_port = _port(container, "health")
    # The kubelet's gRPC probe speaks plaintext only; 50051 speaks TLS.
    assert health_port != _port(container, "grpc")
    listen = _env(container)["DATAACCESS_HEALTH_LISTEN"]
    assert listen.rsplit(":", 1)[1] == str(health_port)
    services = {}
    for name, probe in _probes(container):
        handlers = {"grpc", "httpGet", "tcpSocket", "exec"} & probe.keys()
        assert handlers == {"grpc"}, f"{name} uses {handlers}"
        assert probe["grpc"]["port"] == health_port, name
        services[name] = probe["grpc"].get("service", "")
    # Readiness follows the database; startup and liveness never do (a database outage
    # must not restart every pod): the names the server's health reporter publishes.
    assert services == {
        "startupProbe": LIVENESS,
        "readinessProbe": OVERALL,
        "livenessProbe": LIVENESS,
    }


def _prestop_sleep(container: dict[str, Any]) -> float:
    pre_stop = container["lifecycle"]["preStop"]
    if "sleep" in pre_stop:
        return float(pre_stop["sleep"]["seconds"])
    command = pre_stop["exec"]["command"]
    assert command[0] == "sleep", f"preStop runs {command}"
    return float(command[1])


def test_termination_grace_outlasts_the_prestop_sleep_and_the_drain() -> None:
    pod = _deployment()["spec"]["template"]["spec"]
    container = _container()
    config = _only(MANIFESTS / "configmap.yaml", "ConfigMap")
    assert config["metadata"]["name"] in {
        source["configMapRef"]["name"] for source in container["envFrom"]
    }
    # Where the pod takes its value from: the Deployment's env would override the map.
    assert "DATAACCESS_SHUTDOWN_GRACE" not in {e["name"] for e in container.get("env", [])}
    drain = parse_duration("DATAACCESS_SHUTDOWN_GRACE", config["data"]["DATAACCESS_SHUTDOWN_GRACE"])
    sleep = _prestop_sleep(container)
    grace = pod["terminationGracePeriodSeconds"]
    # The kubelet counts the grace from the start of termination, preStop included; the
    # rest after the drain is for closing pools and flushing telemetry.
    assert grace > sleep + drain, f"grace {grace}s <= preStop {sleep}s + drain {drain}s"
    # A draining pod is never restarted by liveness: its failure window outlasts it all.
    liveness = container["livenessProbe"]
    assert liveness["periodSeconds"] * liveness["failureThreshold"] > grace


def test_workers_match_the_cpu_the_container_gets() -> None:
    container = _container()
    config = _only(MANIFESTS / "configmap.yaml", "ConfigMap")["data"]
    assert "DATAACCESS_WORKERS" not in {e["name"] for e in container.get("env", [])}
    # A number: "auto" reads the affinity mask, which a CPU limit does not narrow.
    workers = parse_workers("DATAACCESS_WORKERS", config["DATAACCESS_WORKERS"])
    assert workers > 1
    assert config["DATAACCESS_WORKERS"].strip().isdigit()
    resources = container["resources"]
    # One core per worker, requested as much as allowed: each worker can use a core.
    assert _cores(resources["limits"]["cpu"]) == workers
    assert _cores(resources["requests"]["cpu"]) == workers


def _cores(quantity: str | int) -> float:
    text = str(quantity)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)
