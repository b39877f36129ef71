"""The committed JSON Schema snapshot of the projects contract v1 matches the code compatibly.

Additive changes pass; refresh the snapshot with `make contracts` when you make one on purpose.
A breaking change needs a new contract version (contracts/README.md).
"""

from pathlib import Path

import projects_contracts.v1
from shared.kit.snapshot import breaking_changes, build_snapshot, load

PACKAGE = "projects_contracts.v1"
SNAPSHOT = Path(projects_contracts.v1.__file__).parent / "schema.json"


def test_contract_v1_has_no_breaking_change():
    assert breaking_changes(load(SNAPSHOT), build_snapshot(PACKAGE)) == []
