#!/usr/bin/env python3
"""The deployment files, checked offline (no container engine runs here).

- deploy/Dockerfile with hadolint;
- deploy/compose.yaml against the compose-spec schema, deploy/prometheus/prometheus.yml
  with promtool;
- deploy/k8s: every manifest the kustomization lists (and no other) against the Kubernetes
  schemas (kubernetes-validate, strict) or, for KEDA's kinds, the CRD schemas vendored in
  tests/deploy/schemas;
- every environment variable the image, the compose services and the Deployments set is
  one the binary they run reads (its `--help` lists what it reads), and every one a
  container needs set is set; the KEDA triggers read both queues' Redis lists.

Usage: check.py BIN
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
KEDA_SCHEMAS = {"ScaledObject": "keda-scaledobject.json", "TriggerAuthentication": "keda-triggerauthentication.json"}

# Read by every process outside its flags (runtime::process::init_logging, and the OTLP
# exporter of the `otel` build).
PROCESS_ENV = {"RUST_LOG", "LOG_FORMAT", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"}
# What a container must be given: the defaults bind to 127.0.0.1 or point at a local
# SQLite file, Redis or server, which is wrong in a container.
REQUIRED = {
    "server": {"DATABASE_URL", "REDIS_URL", "JWT_SECRET", "SERVER_ADDR", "SERVER_METRICS_ADDR"},
    "worker": {"SERVER_URL", "REDIS_URL", "JWT_SECRET", "WORKER_METRICS_ADDR"},
    "edge": {"SERVER_URL", "EDGE_ADDR"},
}
QUEUES = ["priority_high", "resume_generation"]

failures = []


def fail(message):
    failures.append(message)
    print(f"deploy: FAIL {message}", file=sys.stderr)


def run(command, what):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"{what}:\n{done.stdout}{done.stderr}")
    return done.returncode == 0


def env_read(bin_dir):
    """The variables each binary reads, from its --help."""
    read = {}
    for name in REQUIRED:
        help_text = subprocess.run([str(bin_dir / name), "--help"], capture_output=True, text=True, check=True).stdout
        read[name] = set(re.findall(r"\[env: ([A-Z0-9_]+)[=\]]", help_text)) | PROCESS_ENV
        if len(read[name]) <= len(PROCESS_ENV):
            fail(f"{name} --help lists no environment variables")
    return read


def check_env(where, binary, env, read, image_env):
    """`env`, what the container sets, is read by `binary`; with the image's, it is enough."""
    if binary not in read:
        fail(f"{where} runs {binary!r}, which is none of {sorted(read)}")
        return
    unread = set(env) - read[binary]
    if unread:
        fail(f"{where} sets {sorted(unread)}, which {binary} does not read")
    missing = REQUIRED[binary] - set(env) - image_env
    if missing:
        fail(f"{where} does not set {sorted(missing)}, which {binary} needs in a container")


def dockerfile_env():
    """The variables the image sets (ENV lines, with their continuations)."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    names = set()
    for line in text.splitlines():
        if line.startswith("ENV "):
            names |= set(re.findall(r"([A-Z0-9_]+)=", line))
    return names


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check.py BIN")
    read = env_read(Path(sys.argv[1]))
    image_env = dockerfile_env()
    unread = image_env - set().union(*read.values())
    if unread:
        fail(f"the Dockerfile sets {sorted(unread)}, which no binary reads")

    if run(["hadolint", str(DEPLOY / "Dockerfile")], "hadolint deploy/Dockerfile"):
        print("deploy: hadolint passed the Dockerfile")

    compose_file = DEPLOY / "compose.yaml"
    if run(["check-jsonschema", "--schemafile", str(SCHEMAS / "compose-spec.json"), str(compose_file)],
           "compose.yaml against the compose-spec schema"):
        print("deploy: compose.yaml matches the compose-spec schema")
    run(["promtool", "check", "config", str(DEPLOY / "prometheus/prometheus.yml")], "promtool check config")
    compose = yaml.safe_load(compose_file.read_text())
    services = compose["services"]
    for required in ("postgres", "redis", "server-1", "server-2", "worker", "edge", "prometheus", "grafana"):
        if required not in services:
            fail(f"compose.yaml has no service {required}")
    if services.get("worker", {}).get("deploy", {}).get("replicas") != 3:
        fail("compose.yaml does not run 3 workers")
    for name, service in services.items():
        if "healthcheck" not in service:
            fail(f"compose service {name} has no healthcheck")
        command = service.get("command") or []
        if command and command[0] in REQUIRED:
            check_env(f"compose service {name}", command[0], service.get("environment", {}), read, image_env)
    for mounted in ("prometheus/alerts.yml", "grafana/resume.json", "grafana/provisioning/dashboards/resume.yaml"):
        if not (DEPLOY / mounted).is_file():
            fail(f"compose mounts deploy/{mounted}, which does not exist")

    k8s = DEPLOY / "k8s"
    kustomization = yaml.safe_load((k8s / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    present = {p.name for p in k8s.glob("*.yaml")} - {"kustomization.yaml"}
    if listed != present:
        fail(f"the kustomization lists {sorted(listed)}, the folder holds {sorted(present)}")
    documents = [doc for name in sorted(listed) for doc in yaml.safe_load_all((k8s / name).read_text()) if doc]
    config_maps = {d["metadata"]["name"]: d["data"] for d in documents if d["kind"] == "ConfigMap"}
    kinds = {}
    with tempfile.TemporaryDirectory() as work:
        for index, doc in enumerate(documents):
            kinds.setdefault(doc["kind"], []).append(doc)
            path = Path(work) / f"{index}-{doc['kind']}.yaml"
            path.write_text(yaml.safe_dump(doc))
            what = f"{doc['kind']} {doc['metadata']['name']}"
            if doc["apiVersion"].startswith("keda.sh/"):
                schema = KEDA_SCHEMAS.get(doc["kind"])
                if not schema:
                    fail(f"{what}: no vendored schema for this KEDA kind")
                    continue
                run(["check-jsonschema", "--schemafile", str(SCHEMAS / schema), str(path)], f"{what} (KEDA schema)")
            else:
                run(["kubernetes-validate", "--strict", "--quiet", str(path)], f"{what} (Kubernetes schema)")
    print(f"deploy: {len(documents)} Kubernetes manifests validated against their schemas")
    for wanted in ("Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ScaledObject",
                   "NetworkPolicy"):
        if wanted not in kinds:
            fail(f"deploy/k8s has no {wanted}")
    for deployment in kinds.get("Deployment", []):
        spec = deployment["spec"]["template"]["spec"]
        for container in spec["containers"]:
            binary = (container.get("args") or container.get("command") or [""])[0]
            env = {e["name"]: e for e in container.get("env", [])}
            for source in container.get("envFrom", []):
                env.update(dict.fromkeys(config_maps.get(source["configMapRef"]["name"], {})))
            check_env(f"Deployment {deployment['metadata']['name']}", binary, env, read, image_env)
            for probe in ("livenessProbe", "readinessProbe"):
                if probe not in container:
                    fail(f"{deployment['metadata']['name']} has no {probe}")
            if "resources" not in container:
                fail(f"{deployment['metadata']['name']} has no resources")
            for e in container.get("env", []):
                if e["name"] in ("JWT_SECRET", "DATABASE_URL", "REDIS_URL", "OPENAI_API_KEY") and "secretKeyRef" not in e.get("valueFrom", {}):
                    fail(f"{deployment['metadata']['name']} takes {e['name']} from elsewhere than a Secret")
        if binary == "worker" and spec.get("terminationGracePeriodSeconds", 30) <= 30:
            fail("the workers' grace period is not longer than their 30 s drain")
    queries = sorted(t["metadata"].get("query", "") for s in kinds.get("ScaledObject", []) for t in s["spec"]["triggers"])
    if queries != sorted(f'max(resume_queue_depth{{queue="{q}"}})' for q in QUEUES):
        fail(f"the ScaledObject reads {queries}, not the depth of both queues")
    if failures:
        sys.exit(f"deploy: {len(failures)} problem(s)")
    print("deploy: the environment of every container is what its binary reads, and all it needs")


if __name__ == "__main__":
    main()
