"""The pre-commit hook pays the start-up cost on every commit: heavy modules stay lazy."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("jwt", "jwcrypto", "detect_secrets", "jinja2", "tree_sitter", "tree_sitter_javascript",
         "tree_sitter_typescript", "yaml", "jsonschema", "cryptography", "pathspec")


def test_cli_and_all_rule_families_import_no_heavy_module() -> None:
    code = (
        "import sys, json\n"
        "import jwtaudit.cli, jwtaudit.engine, jwtaudit.commands.token\n"
        "from jwtaudit.rules import registry\n"
        "registry.load_all()\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []
