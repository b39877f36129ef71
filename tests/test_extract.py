"""`make extract` (tools/extract.py) writes a repository that knows one service.

`make extract-rehearsal` installs, tests and serves what it writes; these checks are the quick
ones, run with the monolith's suite.
"""

import ast
import tomllib

import pytest

from config.services import KNOWN_SERVICES
from tools import extract
from tools.distributions import ROOT


def default_manifests(repository) -> tuple[str, ...]:
    tree = ast.parse((repository / "config/services.py").read_text())
    return ast.literal_eval(extract._default_manifests(tree).value)


@pytest.mark.parametrize("name", list(KNOWN_SERVICES))
def test_the_repository_holds_one_service_and_its_composition_root(tmp_path, name):
    repository = tmp_path / name
    extract.extract(name, repository)

    assert default_manifests(repository) == (f"services.{name}.manifest",)
    assert (repository / f"services/{name}/contracts/pyproject.toml").is_file()
    assert (repository / f"services/{name}/tests").is_dir()
    others = [other for other in KNOWN_SERVICES if other != name]
    assert not any((repository / "services" / other).exists() for other in others)
    assert not (repository / "shared").exists()  # core and the kit are released, not copied
    assert not (repository / "gateway").exists()
    for lock in (f"{name}.txt", f"{name}-dev.txt"):
        assert (repository / "locks" / lock).read_text() == (ROOT / "locks" / lock).read_text()


@pytest.mark.parametrize("name", list(KNOWN_SERVICES))
def test_the_deployable_depends_on_the_service_and_on_released_pieces(tmp_path, name):
    repository = tmp_path / name
    extract.extract(name, repository)
    project = tomllib.loads((repository / "pyproject.toml").read_text())

    dependencies = project["project"]["dependencies"]
    released = [d.name for d in extract.released(name)]
    assert dependencies[0] == f"{name}-service"
    assert {"split-ready-kit", "split-ready-core"} <= set(released)
    assert all(any(d.startswith(f"{r}>=") for d in dependencies) for r in released)
    assert f"{name}-service[test]" in project["project"]["optional-dependencies"]["dev"]
    pins = (repository / "locks/split-ready.txt").read_text().splitlines()
    assert [pin.split("==")[0] for pin in pins if not pin.startswith("#")] == released
    rules = project["tool"]["importlinter"]["contracts"]
    assert [rule["type"] for rule in rules] == ["layers", "forbidden", "forbidden"]
    assert rules[2]["source_modules"] == [f"services.{name}"]
    assert f"SERVICES={name} " in (repository / "Dockerfile").read_text()


def test_projects_takes_the_users_contract_as_a_release():
    assert [d.name for d in extract.released("projects")] == [
        "split-ready-kit",
        "split-ready-core",
        "users-contracts",
    ]


def test_a_service_named_in_config_is_reported(tmp_path):
    repository = tmp_path / "users"
    extract.extract("users", repository)
    planted_source = [
        '"""A docstring may say projects."""',
        "# and so may a comment: projects",
        'ROUTE = "projects"',
    ]
    (repository / "config/planted.py").write_text("\n".join(planted_source) + "\n")
    planted = [m for m in extract.service_mentions(repository) if "planted" in m]
    assert planted == ["config/planted.py:3: 'projects' names projects"]


def test_it_refuses_a_folder_that_holds_something(tmp_path):
    (tmp_path / "kept.txt").write_text("mine")
    with pytest.raises(SystemExit, match="not empty"):
        extract.extract("users", tmp_path)
