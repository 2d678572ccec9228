"""A generic detector's finding inside a value that spans lines (a CI script in a YAML block
scalar) carries that value's pointer, as a specific rule's finding there does."""

from __future__ import annotations

from pathlib import Path

from jwtaudit.commands.scan import ScanRequest, run_scan
from jwtaudit.config import Config
from tests.helpers import NOW


def test_generic_finding_in_a_block_scalar_gets_its_pointer(tmp_path: Path) -> None:
    (tmp_path / "ci.yml").write_text(
        "deploy:\n"
        "  stage: release\n"
        "  script: |\n"
        "    echo start\n"
        '    export DB_PASSWORD="Wq8#zT4kmK2pLx9v"\n'
        "    ./run.sh\n"
    )
    config = Config.blank().with_overrides(select=("SEC111",))
    result, _ = run_scan(ScanRequest(paths=(str(tmp_path),), jobs=1, now=NOW), config)
    assert [(f.rule, f.location.line, f.location.pointer) for f in result.findings] == [
        ("SEC111", 5, "/deploy/script")]


def test_a_private_key_in_a_block_scalar_is_sec008_alone(tmp_path: Path) -> None:
    """The detector's marker finding carries the block scalar's pointer too, so SEC008 at that
    place covers it: one finding, not a generic duplicate."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode()
    block = "".join(f"    {line}\n" for line in pem.splitlines())
    (tmp_path / "values.yaml").write_text(f"jwt:\n  privateKey: |\n{block}  other: 1\n")
    result, _ = run_scan(ScanRequest(paths=(str(tmp_path),), jobs=1, now=NOW), Config.blank())
    assert [(f.rule, f.location.line, f.location.pointer) for f in result.findings] == [
        ("SEC008", 3, "/jwt/privateKey")]
