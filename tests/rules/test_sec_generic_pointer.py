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
