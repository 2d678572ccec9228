"""Generate docs/rules/*.md (one page per rule) and docs/rules/README.md from the rule docstrings.

Usage: python docs/generate.py   (run after changing a rule's docstring)
"""

from __future__ import annotations

from pathlib import Path

from jwtaudit.rules import registry

OUT = Path(__file__).parent / "rules"


def page(info) -> str:
    head = (f"# {info.code} {info.name}\n\n"
            f"Severity **{info.severity.label}**, confidence **{info.confidence.label}**, "
            f"[CWE-{info.cwe}](https://cwe.mitre.org/data/definitions/{info.cwe}.html), "
            f"applies to: {info.subject}.\n\n")
    body = []
    for heading in registry.DOC_HEADINGS:
        body.append(f"## {heading}\n\n{registry.doc_section(info.doc, heading)}\n")
    return head + "\n".join(body)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    rules = registry.load_all()
    index = ["# Rules\n", "| code | name | severity | what it does |", "| --- | --- | --- | --- |"]
    for code, item in rules.items():
        info = item.info
        (OUT / f"{code}.md").write_text(page(info), encoding="utf-8")
        index.append(f"| [{code}]({code}.md) | {info.name} | {info.severity.label} | {info.summary} |")
    (OUT / "README.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"wrote {len(rules)} rule pages to {OUT}")


if __name__ == "__main__":
    main()
