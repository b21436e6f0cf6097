"""The committed front-end files are exactly what package-lock.json names (`make vendor`)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VENDOR_ROOTS = (REPO / "app" / "static" / "vendor", REPO / "tests" / "web" / "vendor")


def manifest(root: Path) -> list[tuple[str, str, str, str]]:
    lines = (root / "MANIFEST").read_text().splitlines()
    return [tuple(line.split()) for line in lines if line and not line.startswith("#")]  # type: ignore[misc]


@pytest.mark.parametrize("root", VENDOR_ROOTS, ids=lambda p: str(p.relative_to(REPO)))
def test_each_vendored_file_is_in_the_manifest_with_its_locked_version_and_hash(root):
    lock = json.loads((REPO / "package-lock.json").read_text())["packages"]
    entries = manifest(root)
    assert entries
    for package, version, name, sha256 in entries:
        assert lock[f"node_modules/{package}"]["version"] == version, name
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == sha256, f"{name} was changed"
    on_disk = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "MANIFEST"}
    assert on_disk == {name for _, _, name, _ in entries}
    for package in {package for package, *_ in entries}:
        assert f"{package}/LICENSE" in on_disk, f"{package} ships without its licence"


def test_every_package_in_package_json_is_locked():
    declared = json.loads((REPO / "package.json").read_text())
    lock = json.loads((REPO / "package-lock.json").read_text())["packages"]
    for group in ("dependencies", "devDependencies"):
        for package, version in declared.get(group, {}).items():
            assert lock[f"node_modules/{package}"]["version"] == version, f"pin {package} exactly"
