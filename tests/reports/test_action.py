"""The composite GitHub Action at the repository root: installs, scans to SARIF, uploads safely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ACTION = Path(__file__).resolve().parents[2] / "action.yml"


@pytest.fixture(scope="module")
def action() -> dict:
    import yaml

    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def test_composite_action_installs_scans_and_uploads(action):
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert 'pip install --disable-pip-version-check --quiet "$ACTION_PATH"' in runs
    assert re.search(r'jwtaudit scan "\$SCAN_PATH".*--fail-on "\$FAIL_ON"', runs)
    assert '--format sarif -o "$SARIF_FILE"' in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["uses"].endswith("@v3")
    assert upload["with"]["category"] == "jwtaudit/scan"  # matches automationDetails.id
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert "always()" not in upload.get("if", "") and "exit-code == '1'" in upload["if"]


def test_inputs_never_spliced_into_shell_scripts(action):
    """Script injection: `${{ inputs.x }}` in a run block is executed as shell text."""
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")
        if "run" in step:
            assert step["shell"] == "bash"


def test_fail_on_input_has_a_default_and_the_step_fails_after_upload(action):
    assert action["inputs"]["fail-on"]["default"] == "high"
    names = [s.get("name") for s in action["runs"]["steps"]]
    assert names.index("Upload SARIF to code scanning") < names.index("Fail on findings")
