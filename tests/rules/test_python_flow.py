"""Python data flow the SRC/CFG rules depend on: `**mapping` keyword arguments, an allow-list taken
from the token's own header, a headers dict held in a variable (exact rule, line, column)."""

from __future__ import annotations

from tests.rules.code_fixtures import FIXTURES, findings


def places(fixture: str, rule: str) -> list[tuple[str, int | None, int | None]]:
    hits = findings(FIXTURES / fixture, rule)
    return sorted((f.rule, f.location.line, f.location.column) for f in hits)


def test_src002_algorithm_from_a_kwargs_mapping() -> None:
    # **SIGN_OPTS (module), **{...} inline, opts["algorithm"] = ... before the call; not HS256 that
    # way, not an opaque **kwargs
    assert places("SRC002/kwargs_options.py", "SRC002") == [
        ("SRC002", 8, 27), ("SRC002", 19, 81), ("SRC002", 25, 25)]


def test_src005_allow_list_from_the_unverified_header_and_kwargs() -> None:
    # [header["alg"]], [get_unverified_header(t).get("alg")], alg variable, **NO_LIST without
    # algorithms, **UNSAFE turning verification off; not literal/constant/settings lists, a checked
    # header algorithm, **WITH_LIST, or **kwargs that may carry the allow-list
    assert places("SRC005/pyjwt_header_alg.py", "SRC005") == [
        ("SRC005", 13, 68), ("SRC005", 18, 12), ("SRC005", 22, 12), ("SRC005", 27, 12), ("SRC005", 31, 12)]


def test_cfg004_headers_dict_in_a_variable() -> None:
    # module and local dicts passed as headers=, {"headers": d}, session.headers.update(d); not the
    # same dict sent as the body, nor a header dict without the secret
    assert places("CFG004/client_vars.py", "CFG004") == [
        ("CFG004", 8, 14), ("CFG004", 12, 13), ("CFG004", 22, 5), ("CFG004", 29, 20)]
