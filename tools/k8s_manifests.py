"""`make k8s`: render every Kubernetes overlay of deploy/k8s and validate each resource offline.

    python -m tools.k8s_manifests            # build/k8s/<overlay>.yaml, validated

Renders with `kubectl kustomize` (KUBECTL; Debian's kubernetes-client is enough) and validates
every resource against the Kubernetes JSON schemas bundled with the `kubernetes-validate` package
(K8S_VALIDATE, its own virtualenv: deploy/k8s/requirements-tools.txt), strictly: an unknown
field is an error. Nothing is sent anywhere; no cluster is needed.
"""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

from gateway.render import render

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("monolith", "split", "trial")
OUTPUT = ROOT / "build" / "k8s"
# The gateway's ConfigMap is generated from this file, rendered here from the routing table
# (gateway/render.py) on every run, as the gateway image's is: git-ignored, never edited.
GATEWAY_CONFIG = K8S / "base" / "nginx.conf"


def kustomize(overlay: str, kubectl: str) -> str:
    built = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode:
        sys.exit(f"kubectl kustomize {overlay}: {built.stderr.strip()}")
    return built.stdout


def main() -> int:
    GATEWAY_CONFIG.write_text(render())
    kubectl = os.environ.get("KUBECTL", "kubectl")
    validate = os.environ.get("K8S_VALIDATE", "kubernetes-validate")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    failed = False
    for overlay in OVERLAYS:
        path = OUTPUT / f"{overlay}.yaml"
        path.write_text(kustomize(overlay, kubectl))
        kinds = Counter(doc["kind"] for doc in yaml.safe_load_all(path.read_text()) if doc)
        checked = subprocess.run(
            [validate, "--strict", "--quiet", str(path)], capture_output=True, text=True
        )
        status = "valid" if checked.returncode == 0 else "INVALID"
        failed |= checked.returncode != 0
        summary = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        print(f"{overlay}: {sum(kinds.values())} resources {status} ({summary}) -> {path}")
        if checked.returncode:
            print(checked.stdout + checked.stderr, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
