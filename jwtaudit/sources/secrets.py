"""detect-secrets' detectors through its plugin API, run only where a cheap pass saw a candidate.

Each plugin class has a fixed jwtaudit code (SEC101 …, see `PLUGINS` and docs/sec1xx.md). The
plugins are imported lazily and called through `analyze_string` (never `analyze_line`, which reads
detect-secrets' global settings and may try network verification). detect-secrets spends most of
its time calling every plugin on every line; here a plugin runs only on lines that contain one of
its trigger words (or, for patterns without a literal, only in files that mention the service),
and its results pass the false-positive filters below (SRI hashes, data URIs and notebook
outputs, lock files, UUIDs, git SHAs, templates and placeholders).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

# Words that put a line in front of the keyword-based and entropy detectors (lowercase).
KEYWORDS = ("key", "pass", "pwd", "secret", "token", "contrase")
STRONG_WORDS = ("secret", "password", "passwd", "token", "apikey", "api_key", "api-key", "private",
                "credential", "auth")


@dataclass(frozen=True, kw_only=True)
class PluginSpec:
    """One detect-secrets plugin as a jwtaudit rule.

    `words`: lowercase substrings, one of which must be on a line for the plugin to run there.
    `all_words`: further substrings that must all be on the line. `file_words`: when set, the
    plugin runs only in files containing one of them, on the lines its own regexes match.
    """

    code: str
    plugin: str  # detect-secrets class name
    module: str
    name: str
    title: str
    confidence: str = "high"
    words: tuple[str, ...] = ()
    all_words: tuple[str, ...] = ()
    file_words: tuple[str, ...] = ()

    @property
    def by_name(self) -> bool:
        """Whether the plugin judges a value by the name it sits under (keywords, entropy), not
        by a format an issuer gives its credentials (`AKIA…`, `ghp_…`)."""
        return self.plugin == "KeywordDetector" or self.module == "high_entropy_strings"
    example: str = ""


PLUGINS: tuple[PluginSpec, ...] = (
    PluginSpec(code="SEC101", plugin="AWSKeyDetector", module="aws", name="aws-access-key",
               title="AWS access key or secret key",
               words=("akia", "asia", "abia", "acca", "a3t", "aws"),
               example='AWS_SECRET_ACCESS_KEY = "<40 characters>"'),
    PluginSpec(code="SEC102", plugin="ArtifactoryDetector", module="artifactory",
               name="artifactory-credentials", title="JFrog Artifactory API key or token",
               words=("akc", "artifactory", "jfrog"), example="ARTIFACTORY_API_KEY=AKC…"),
    PluginSpec(code="SEC103", plugin="AzureStorageKeyDetector", module="azure_storage_key",
               name="azure-storage-key", title="Azure storage account key",
               words=("accountkey",), example="DefaultEndpointsProtocol=https;AccountKey=<88 chars>"),
    PluginSpec(code="SEC104", plugin="BasicAuthDetector", module="basic_auth",
               name="basic-auth-credentials", title="password in a URL's user-info",
               confidence="medium", words=("://",), all_words=("@",),
               example="https://deploy:<password>@git.example.com/repo.git"),
    PluginSpec(code="SEC105", plugin="CloudantDetector", module="cloudant",
               name="cloudant-credentials", title="IBM Cloudant credentials",
               words=("key", "pwd", "pw", "pass", "token"), all_words=("cl",),
               example='cloudant_password = "<64 hex characters>"'),
    PluginSpec(code="SEC106", plugin="DiscordBotTokenDetector", module="discord",
               name="discord-bot-token", title="Discord bot token",
               file_words=("discord",), example="DISCORD_TOKEN=MTk4NjIy…"),
    PluginSpec(code="SEC107", plugin="GitHubTokenDetector", module="github_token",
               name="github-token", title="GitHub token",
               words=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), example="GITHUB_TOKEN=ghp_…"),
    PluginSpec(code="SEC108", plugin="GitLabTokenDetector", module="gitlab_token",
               name="gitlab-token", title="GitLab token",
               words=("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "gr1348941", "glcbt-", "glimt-",
                      "glptt-", "glagent-", "gloas-"), example="GITLAB_TOKEN=glpat-…"),
    PluginSpec(code="SEC109", plugin="IbmCloudIamDetector", module="ibm_cloud_iam",
               name="ibm-cloud-iam-key", title="IBM Cloud IAM API key",
               words=("key", "pwd", "pass", "token"), example='ibm_cloud_iam_api_key = "<44 chars>"'),
    PluginSpec(code="SEC110", plugin="IbmCosHmacDetector", module="ibm_cos_hmac",
               name="ibm-cos-hmac-credentials", title="IBM Cloud Object Storage HMAC secret",
               words=("secret",), all_words=("key",), example='cos_secret_access_key = "<48 hex>"'),
    PluginSpec(code="SEC111", plugin="KeywordDetector", module="keyword",
               name="hardcoded-secret-keyword", title="literal value assigned to a secret-named variable",
               confidence="medium", words=("key", "pass", "pwd", "secret", "contrase"),
               example='db_password = "hunter2-…"'),
    PluginSpec(code="SEC112", plugin="MailchimpDetector", module="mailchimp",
               name="mailchimp-access-key", title="Mailchimp API key", words=("-us",),
               example="MAILCHIMP_KEY=<32 hex>-us12"),
    PluginSpec(code="SEC113", plugin="NpmDetector", module="npm", name="npm-token",
               title="npm registry token", words=("_authtoken",),
               example="//registry.npmjs.org/:_authToken=npm_…"),
    PluginSpec(code="SEC114", plugin="OpenAIDetector", module="openai", name="openai-token",
               title="OpenAI API key", words=("t3blbkfj",), example="OPENAI_API_KEY=sk-…T3BlbkFJ…"),
    PluginSpec(code="SEC115", plugin="PrivateKeyDetector", module="private_key",
               name="private-key-marker", title="private key block marker",
               words=("private key", "putty-user-key"), example="-----BEGIN OPENSSH PRIVATE KEY-----…"),
    PluginSpec(code="SEC116", plugin="PypiTokenDetector", module="pypi_token", name="pypi-token",
               title="PyPI upload token", words=("pypi-",), example="password = pypi-AgEIcHlwaS5vcmc…"),
    PluginSpec(code="SEC117", plugin="SendGridDetector", module="sendgrid", name="sendgrid-api-key",
               title="SendGrid API key", words=("sg.",), example="SENDGRID_API_KEY=SG.…"),
    PluginSpec(code="SEC118", plugin="SlackDetector", module="slack", name="slack-token",
               title="Slack token or webhook URL", words=("xox", "hooks.slack.com"),
               example="SLACK_BOT_TOKEN=xoxb-…"),
    PluginSpec(code="SEC119", plugin="SoftlayerDetector", module="softlayer",
               name="softlayer-credentials", title="IBM SoftLayer API key",
               words=("softlayer", "sl_", "sl-", "slapi", "slkey", "slpass", "slpwd", "slpw", "sltoken"),
               example='softlayer_api_key = "<64 chars>"'),
    PluginSpec(code="SEC120", plugin="SquareOAuthDetector", module="square_oauth",
               name="square-oauth-secret", title="Square OAuth secret", words=("sq0csp-",),
               example="SQUARE_SECRET=sq0csp-…"),
    PluginSpec(code="SEC121", plugin="StripeDetector", module="stripe", name="stripe-access-key",
               title="Stripe live secret or restricted key", words=("k_live_",),
               example="STRIPE_KEY=sk_live_…"),
    PluginSpec(code="SEC122", plugin="TelegramBotTokenDetector", module="telegram_token",
               name="telegram-bot-token", title="Telegram bot token",
               file_words=("telegram",), example="TELEGRAM_BOT_TOKEN=123456789:AA…"),
    PluginSpec(code="SEC123", plugin="TwilioKeyDetector", module="twilio", name="twilio-api-key",
               title="Twilio account SID or API key", file_words=("twilio",),
               example="TWILIO_API_KEY=SK<32 hex>"),
    PluginSpec(code="SEC124", plugin="Base64HighEntropyString", module="high_entropy_strings",
               name="high-entropy-base64-secret", title="high-entropy base64 string under a secret name",
               confidence="low", words=STRONG_WORDS, example='authSecret = "q0Z8m3Vt4Yc1Rk9W…"'),
    PluginSpec(code="SEC125", plugin="HexHighEntropyString", module="high_entropy_strings",
               name="high-entropy-hex-secret", title="high-entropy hex string under a secret name",
               confidence="low", words=STRONG_WORDS, example='signing_key = "9f86d081884c7d65…"'),
)
BY_CODE = {spec.code: spec for spec in PLUGINS}
_FILE_GATES = tuple((spec.code, spec.file_words) for spec in PLUGINS if spec.file_words)  # three, of 25
# Plugins deliberately not run: JwtTokenDetector (every JWT is decoded and judged by SEC001 and
# the TOK rules instead) and IPPublicDetector (an IP address is not a credential).
NOT_RUN = ("JwtTokenDetector", "IPPublicDetector")

LOCK_FILE_NAMES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "composer.lock",
    "pipfile.lock", "poetry.lock", "cargo.lock", "gemfile.lock", "go.sum", "uv.lock", "bun.lock",
    "packages.lock.json", "flake.lock", "mix.lock", "podfile.lock", "pubspec.lock",
})

_PLACEHOLDER = re.compile(
    r"x{5,}|\*{4,}|\.{3}|…|<[^<>]{0,60}>|\$\{|\{\{|%\(|\bchange[-_ ]?me\b|example|dummy|placeholder|"
    r"your[-_ ]|\bfake|\bsample|redacted|\btodo\b|\bfoo(?:bar)?\b"
    r"|\bmy[-_]?(?:api[-_]?|access[-_]?|client[-_]?)?(?:secret|password|key|token)"
    r"|\breplace[-_ ]?(?:me|this|with|it)\b|\binsert[-_ ]|\benter[-_ ](?:your|the|a|an)\b|[-_ ]here$"
    r"|^abc-?123"
    r"|^(?:test|secret|password|token|none|null|undefined|true|false)$",
    re.IGNORECASE,
)
_CONSTANT_NAME = re.compile(r"[A-Z]+[0-9]*(?:_[A-Z]+[0-9]*)+")  # case-sensitive: SCREAMING_SNAKE only
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_SRI = re.compile(r"sha(?:256|384|512)-$")
_HASH_CONTEXT = re.compile(
    r"commit|\bsha\d*\b|sha1|sha256|sha512|\brev(?:ision)?\b|\bhash|digest|checksum|etag|integrity|"
    r"fingerprint|\bmd5\b|\bref\b|\bcid\b", re.IGNORECASE)
# Anti-forgery tokens in saved pages and forms (`<meta name="csrf-token" content="…">`): per-session
# nonces, not credentials. A CSRF *secret* (the server's key for them) is still one.
_FORMAT_FIELD = re.compile(r"\{[A-Za-z_][\w.]*\}")
_ANTI_FORGERY = re.compile(r"(?:csrf|xsrf)[-_]?(?:middleware)?token|authenticity_token", re.IGNORECASE)
# PEM armour is five hyphens (RFC 7468); the SSH2 format writes "---- BEGIN SSH2 … ----".
_BAD_ARMOUR = re.compile(r"(?<!-)(?:-{1,4}|-{6,})\s*$")
_CODE_REFERENCE = re.compile(
    r"^(?:process\.env|os\.environ|os\.getenv|env\(|getenv|config\.|settings\.|self\.|this\.|ENV\[)")


def is_name_like(value: str) -> bool:
    """Words joined by separators (`module_utils`, `FROM_CREDS_FILE_2`): a name, not a secret."""
    return _NAME_LIKE.fullmatch(value) is not None or _NUMBERED_NAME.fullmatch(value) is not None


def is_anti_forgery_line(line: str) -> bool:
    return _ANTI_FORGERY.search(line) is not None


def is_lock_file(rel_path: str) -> bool:
    name = rel_path.rsplit("/", 1)[-1].lower()
    return name in LOCK_FILE_NAMES or name.endswith(".lock")


def file_words_present(low: str) -> set[str]:
    """Which plugins' file gates are open for a lowercased file text."""
    out: set[str] = set()
    for code, words in _FILE_GATES:
        for word in words:
            if word in low:
                out.add(code)
                break
    return out


def line_words() -> tuple[str, ...]:
    """Every line-level trigger word, for the whole-file prefilter."""
    words: set[str] = set()
    for spec in PLUGINS:
        words.update(spec.words)
    return tuple(sorted(words))


def wants_line(spec: PluginSpec, low_line: str) -> bool:
    if spec.file_words:
        return True  # gated at file level; the caller passes only the regex-matched lines
    return any(w in low_line for w in spec.words) and all(w in low_line for w in spec.all_words)


@cache
def plugin(code: str) -> Any:
    import importlib

    spec = BY_CODE[code]
    module = importlib.import_module(f"detect_secrets.plugins.{spec.module}")
    return getattr(module, spec.plugin)()


def regex_lines(code: str, text: str) -> list[int]:
    """Offsets where the plugin's own regexes match (for file-gated plugins)."""
    offsets: list[int] = []
    for regex in getattr(plugin(code), "denylist", ()):
        offsets.extend(match.start() for match in regex.finditer(text))
    return offsets


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _regex_values(detector: Any, line: str) -> list[tuple[str, int]]:
    """(value, column) for a regex-based plugin, from match positions rather than `findall`:
    some patterns capture only a prefix (`(ghp|gho|…)_…` yields "ghp"), others delimiters."""
    out: list[tuple[str, int]] = []
    for regex in detector.denylist:
        for match in regex.finditer(line):
            groups = [(match.group(i), match.start(i)) for i in range(1, (regex.groups or 0) + 1)
                      if match.group(i)]
            best = max(groups, key=lambda g: len(g[0]), default=None)
            if best is not None and not (best[1] == match.start() and len(best[0]) < len(match.group(0)) - 4):
                value, column = best  # the captured secret (a prefix-only group is not: "(ghp|gho)_…")
            else:
                value, column = match.group(0), match.start()
                stripped = value.lstrip(" \t=:\"'")
                column += len(value) - len(stripped)
                value = stripped.rstrip(" \t\"'")
            out.append((value, column))
    return out


@lru_cache(maxsize=256)  # asked once per candidate line; the answer depends on the file name only
def _value_column(line: str, value: str) -> int:
    """Where an assigned value stands on its line: the first occurrence right after a quote or an
    assignment (`password1_field_name="password1"` holds the value's text in its name first)."""
    first = position = line.find(value)
    while position != -1:
        before = line[:position].rstrip(" \t")
        if before and before[-1] in "\"'`=:":
            return position
        position = line.find(value, position + 1)
    return first


def _keyword_regexes(rel_path: str) -> Any:
    """KeywordDetector's assignment patterns for the file's type (detect-secrets' own choice),
    and its INI patterns (unquoted `NAME=value`) for the files that write values so but which
    detect-secrets types as "other": `.env` files, shell scripts, Dockerfiles, AWS `credentials`
    (its CLI reaches them through file transformers; a line at a time, only these patterns do)."""
    from detect_secrets.plugins.keyword import QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP, REGEX_BY_FILETYPE
    from detect_secrets.util.filetype import FileType, determine_file_type

    file_type = determine_file_type(rel_path)
    if file_type is FileType.OTHER and _writes_unquoted_values(rel_path):
        file_type = FileType.INI
    return REGEX_BY_FILETYPE.get(file_type, QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP)


def _writes_unquoted_values(rel_path: str) -> bool:
    name = rel_path.rsplit("/", 1)[-1].lower()
    return (name == ".env" or name.startswith((".env.", "dockerfile."))
            or name.endswith((".env", ".envrc", ".sh", ".bash", ".zsh"))
            or name in ("dockerfile", "containerfile", "credentials"))


def _may_name_a_secret(line: str, groups: Any) -> bool:
    """False only when none of KeywordDetector's patterns can match: each of them requires one of
    its denylisted names (`password`, `api_key`, `secret` …), and most lines that hold a trigger
    word (`key`, `pass`) hold none of them (nine in ten documentation lines of an API
    description). One substring test per name instead of five case-blind patterns per line."""
    gate = _keyword_gate(groups)
    if gate is None:
        return True
    names, pattern = gate
    if line.isascii():
        low = line.lower()
        return any(name in low for name in names)
    return pattern.search(line) is not None


def _keyword_values(detector: Any, line: str, groups: Any) -> list[str]:
    """What `detector.analyze_string(line, denylist_regex_to_group=groups)` yields. A pattern that
    starts with the denylisted names can match only where one of them starts: on an ASCII line it
    is tried at those places (found with `str.find`) instead of searched for along the whole line,
    which these patterns do slowly (2.5x faster on the documentation lines of API descriptions)."""
    gate = _keyword_gate(groups)
    if gate is None or not line.isascii() or getattr(detector, "keyword_exclude", None) is not None:
        return list(detector.analyze_string(line, denylist_regex_to_group=groups))
    names, denylist = gate
    places: list[int] | None = None
    out: list[str] = []
    for regex, group in groups.items():
        if regex.pattern.startswith(denylist.pattern):
            if places is None:
                places = _name_places(line.lower(), names)
            match = None
            for place in places:  # ascending: the first match is the one `search` finds
                match = regex.match(line, place)
                if match is not None:
                    break
        else:
            match = regex.search(line)
        if match is not None:
            out.append(match.group(group))
    return out


def _name_places(low: str, names: tuple[str, ...]) -> list[int]:
    places: set[int] = set()
    for name in names:
        at = low.find(name)
        while at != -1:
            places.add(at)
            at = low.find(name, at + 1)
    return sorted(places)


_KEYWORD_GATES: dict[int, tuple[Any, tuple[tuple[str, ...], Any] | None]] = {}  # id(groups) -> (groups, gate)


def _keyword_gate(groups: Any) -> tuple[tuple[str, ...], Any] | None:
    """The denylisted names as plain lowercase words and as a pattern, when every pattern of
    `groups` requires the denylist at its start or end (else None: no shortcut)."""
    cached = _KEYWORD_GATES.get(id(groups))
    if cached is not None and cached[0] is groups:
        return cached[1]
    from detect_secrets.plugins.keyword import DENYLIST, DENYLIST_REGEX

    gate: tuple[tuple[str, ...], Any] | None = None
    if all(regex.pattern.startswith(DENYLIST_REGEX) or regex.pattern.endswith(DENYLIST_REGEX)
           for regex in groups):
        names: list[str] = []
        for fragment in DENYLIST:
            if not re.fullmatch(r"[a-zñ]+(?:_\?[a-zñ]+)?", fragment):
                names = []  # an entry that is more than a word with an optional "_": no shortcut
                break
            names.extend((fragment.replace("_?", "_"), fragment.replace("_?", ""))
                         if "_?" in fragment else (fragment,))
        if names:
            gate = tuple(dict.fromkeys(names)), re.compile(DENYLIST_REGEX, re.IGNORECASE)
    _KEYWORD_GATES[id(groups)] = (groups, gate)
    return gate


# Detectors whose every pattern (as detect-secrets wrote them: the fingerprint of patterns and
# flags) ends with a secret of a fixed shape: a line without a run of that shape cannot match, and
# the run is found far faster than the whole pattern, which tries optional name prefixes at every
# position (IBM's 44-character key: 0.47 s -> 0.10 s over 3.8 MB of API documentation lines).
# (fingerprint, the runs in either case for ASCII lines as (characters, length), the run as the
# patterns write it). An ASCII line is tested with a byte translation and a substring search.
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SHAPES: dict[str, tuple[str, tuple[tuple[str, int], ...], str]] = {
    "IbmCloudIamDetector": ("60bd1dd078d5d4ae", ((_LETTERS + "0123456789_-", 44),), r"[a-zA-Z0-9_\-]{44}"),
    "CloudantDetector": ("85a2ec165338f6ab", (("0123456789abcdefABCDEF", 64), (_LETTERS, 24)),
                         r"[0-9a-f]{64}|[a-z]{24}"),
}
_SHAPE_GATES: dict[str, tuple[Any, Any] | None] = {}


def _may_hold_shape(name: str, detector: Any, line: str) -> bool:
    """False only when the line lacks the run every pattern of this detector requires."""
    gate = _SHAPE_GATES.get(name, False)
    if gate is False:
        gate = _SHAPE_GATES[name] = _shape_gate(name, detector)
    if gate is None:
        return True
    runs, folded = gate  # [a-z] under IGNORECASE also takes the long s and the Kelvin sign:
    # outside ASCII the run is searched as the patterns search it
    if not line.isascii():
        return folded.search(line) is not None
    data = line.encode("ascii")
    return any(needle in data.translate(table) for table, needle in runs)


def _shape_gate(name: str, detector: Any) -> tuple[Any, Any] | None:
    shape = _SHAPES.get(name)
    if shape is None:
        return None
    import hashlib

    patterns = [(regex.pattern, regex.flags) for regex in detector.denylist]
    if hashlib.sha256(repr(patterns).encode()).hexdigest()[:16] != shape[0]:
        return None  # detect-secrets changed these patterns: no shortcut
    runs = tuple((bytes(1 if chr(c) in chars else 0 for c in range(256)), b"\x01" * length)
                 for chars, length in shape[1])
    return runs, re.compile(shape[2], re.IGNORECASE)


def detect(code: str, rel_path: str, line: str) -> list[tuple[str, int]]:
    """(value, 0-based column) for each secret the plugin finds on `line`, after filters."""
    spec = BY_CODE[code]
    detector = plugin(code)
    if spec.plugin == "KeywordDetector":
        groups = _keyword_regexes(rel_path)
        pairs = [(v, _value_column(line, v)) for v in _keyword_values(detector, line, groups)] \
            if _may_name_a_secret(line, groups) else []
    elif hasattr(detector, "denylist"):
        pairs = _regex_values(detector, line) if _may_hold_shape(spec.plugin, detector, line) else []
    else:
        limit = detector.entropy_limit
        # n characters carry at most log2(n) bits each: shorter values cannot pass the limit, so
        # detect-secrets' entropy (64 `count` calls per value) is computed only for the others
        shortest = math.ceil(2 ** limit)
        pairs = [(v, line.find(v)) for v in detector.analyze_string(line)
                 if len(v) >= shortest and detector.calculate_shannon_entropy(v) > limit]
    found: list[tuple[str, int]] = []
    seen: set[str] = set()
    for value, column in pairs:
        if not isinstance(value, str) or not value or value in seen:
            continue
        seen.add(value)
        if column < 0 or looks_benign(value, line, column, spec):
            continue
        if (spec.by_name or spec.plugin == "BasicAuthDetector") and is_fixture_stand_in(value, rel_path):
            continue
        found.append((value, column))
    return found


@lru_cache(maxsize=8192)  # the same value is asked about by the file pass and several detectors
def is_placeholder(value: str) -> bool:
    """Documentation and test-fixture stand-ins, templates and references, not secrets."""
    stripped = value.strip("'\"` ")
    if len(stripped) < 6 or (_may_be_placeholder(stripped) and _PLACEHOLDER.search(stripped)):
        return True
    if _CONSTANT_NAME.fullmatch(stripped):
        return True  # `API_KEY`, `ACCOUNT_API_KEY`: the name of a setting written where its value goes
    return is_typed_filler(stripped)


def is_typed_filler(value: str) -> bool:
    """A value typed to fill a field rather than drawn at random: few distinct characters
    (`aaaaaaaa`, `abababab`), a stretch of the alphabet or of digits (`abcdefghijklmnop…`)."""
    low = value.lower()
    if len(set(low[:8])) <= 3 and len(set(low)) <= 3:  # most values show four distinct characters early
        return True
    return _is_sequential_lower(low) or _has_keyboard_run(value)


def _has_keyboard_run(value: str) -> bool:
    """Twelve characters or more in a row that each follow the one before (`abcdefghijkl`,
    `0123456789:;`, `()*+,-./0123`…): typed to fill a field of the right length, never drawn at
    random. In C steps: each byte XOR the byte before it plus one is zero inside such a run, so the
    run is eleven zero bytes in a row of one big-integer XOR."""
    if len(value) < 12 or not value.isascii():
        return False
    data = value.encode("ascii")
    after = int.from_bytes(data[1:], "big") ^ int.from_bytes(data[:-1].translate(_PLUS_ONE), "big")
    return _ELEVEN_ZEROS in after.to_bytes(len(data) - 1, "big")


_PLUS_ONE = bytes((b + 1) % 256 for b in range(256))
_ELEVEN_ZEROS = bytes(11)




# Every branch of _PLACEHOLDER needs one of these (lowercase) substrings: ASCII values without
# any are answered without the pattern, which tries each of its branches at every position.
_PLACEHOLDER_HINTS = ("xxxxx", "****", "...", "<", "${", "{{", "%(", "change", "example", "dummy",
                      "placeholder", "your", "fake", "sample", "redacted", "todo", "foo", "my", "test",
                      "secret", "password", "token", "none", "null", "undefined", "true", "false", "replace",
                      "insert", "enter", "here", "abc")


_ANY_HINT = re.compile("|".join(re.escape(hint) for hint in _PLACEHOLDER_HINTS))  # one C call, not 27


def _may_be_placeholder(value: str) -> bool:
    if not value.isascii():
        return True
    return _ANY_HINT.search(value.lower()) is not None


_ALPHABETS = ("abcdefghijklmnopqrstuvwxyz", "0123456789abcdef", "0123456789", "qwertyuiop")
_SEQUENCES = tuple(alphabet * 3 for alphabet in _ALPHABETS)  # a run may wrap around


def _is_sequential(value: str) -> bool:
    if len(value) < 8:  # lowercasing never shortens a string: no shorter value can qualify
        return False
    return _is_sequential_lower(value.lower())


def _is_sequential_lower(low: str) -> bool:
    return len(low) >= 8 and any(low in sequence for sequence in _SEQUENCES)


def looks_benign(value: str, line: str, column: int, spec: PluginSpec) -> bool:
    """The classic false positives of generic detectors."""
    before = line[max(0, column - 80):column]
    if _SRI.search(before) or "integrity" in line.lower():
        return True
    if "data:" in before and ";base64," in before:
        return True
    if is_placeholder(value) or _UUID.match(value) or _CODE_REFERENCE.match(value):
        return True
    if value.startswith(("$", "%", "@")) or "{{" in line[column:column + len(value) + 4]:
        return True
    if _FORMAT_FIELD.fullmatch(value):
        return True  # an f-string or str.format field: `{ENCODED_PASSWORD}`
    if _ANTI_FORGERY.search(line):
        return True  # a CSRF token in a saved page or form: a per-session nonce, not a credential
    if spec.module == "high_entropy_strings":
        outside = f"{before} {line[column + len(value):column + len(value) + 80]}".lower()
        if not any(word in outside for word in spec.words):
            return True  # the only secret word on the line is inside the value (`"…SecretName…"`)
        if _HEX.match(value) and (len(value) in (32, 40, 64) and _HASH_CONTEXT.search(line)):
            return True
        if _HASH_CONTEXT.search(before):
            return True
        if value.startswith("eyJ"):
            return True  # a JWT: SEC001 and the TOK rules judge it
    if spec.plugin == "PrivateKeyDetector":
        if _BAD_ARMOUR.search(before) and "SSH2" not in value:
            return True  # "---- BEGIN RSA PRIVATE KEY ----": not a key's armour
        rest = line[column + len(value):]
        return bool(re.search(r"<[^<>]{0,80}>|\.\.\.|…", rest[:120]))  # "-----BEGIN … KEY-----<your key>"
    if spec.by_name:
        if not looks_like_secret_value(value):
            return True
    if spec.plugin == "KeywordDetector":
        if shannon_entropy(value) < 2.5 or not re.search(r"[A-Za-z0-9]", value):
            return True
        if value.startswith("eyJ"):
            return True
    return False


_WHITESPACE = re.compile(r"\s")
# Words (in any script) joined by separators, each word perhaps numbered: a name, not a secret
# (`AWS_SECRET_ACCESS_KEY`, `FROM_CREDS_FILE_2`, `password1`, `françois`, `access_key/20140101/…`).
_NAME_LIKE = re.compile(r"[^\W\d_]+(?:[_\-.:/][^\W\d_]+)*")
# A numbered name is an identifier or a path (`FROM_CREDS_FILE_2`, `FORBIDDEN_VALUE2`,
# `access_key/20140101/…`): words joined by `_`, `/` or `:`. Words and digits run together or
# joined by `-` and `.` are how people write passwords (`Summer2024`, `Blue-Ocean-42`).
_NUMBERED_NAME = re.compile(r"[^\W\d_]+\d*(?:[_:/](?:[^\W\d_]+\d*|\d+))+")
# A glob or pattern (`arn:aws:…:secret:*`, `*.example.com`, `/api/*`): a `*` at an end or beside
# a separator. One between letters is part of a password (`Tiger*Lily`, Django's secret keys).
_GLOB_STAR = re.compile(r"(?:^|[:/.,])\*|\*(?:$|[:/.,])")
_FILE_PATH = re.compile(r"(?:/[\w.\-~]+)+/?")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?")
EXAMPLE_POINTER = re.compile(r"/(?:examples?|samples?|x-examples?|x-samples?)(?:/|$)", re.IGNORECASE)


def looks_like_secret_value(value: str) -> bool:
    """False for what a secret-named variable often holds instead of a secret: a variable or
    setting name (`AWS_SECRET_ACCESS_KEY`, `aws_access_key_id`, `NextToken`), a timestamp, a
    sentence, or a value too short to matter."""
    if len(value) < 8 or _WHITESPACE.search(value):
        return False
    if is_name_like(value) or _TIMESTAMP.match(value) or _UUID.match(value):
        return False
    if value.startswith(("arn:", "^", "http://", "https://")) or _GLOB_STAR.search(value) or "(?" in value:
        return False  # resource names, patterns and URLs (credentials in URLs are SEC007)
    if "::" in value or value.startswith(":"):
        return False  # code: a scope (`[System.Net.CredentialCache]::DefaultCredentials`), a symbol
    if value.startswith("/") and _FILE_PATH.fullmatch(value):
        return False  # a path (a base64 secret may start with "/" too)
    digits = value.replace("-", "") if "-" in value else value
    if _HEX.match(digits) and len(digits) < 32:
        return False  # short hex, perhaps grouped like a UUID's tail (`a06b-c462cffae87a`): an id or a hash
    return not is_stand_in_value(value)


# Password hashes as Django (`pbkdf2_sha256$…`), LDAP (`{SSHA}…`) and crypt(3) (`$6$rounds=…`,
# `$2b$12$…`) store them: the verifier of a password, not a credential.
_PASSWORD_HASH = re.compile(
    r"^(?:pbkdf2_sha(?:1|256|512)|argon2|bcrypt(?:_sha256)?|scrypt|crypt|unsalted_(?:md5|sha1)|sha1|md5)\$"
    r"|^\{(?:S?SHA(?:256|384|512)?|S?MD5|CRYPT|PBKDF2(?:-SHA\d+)?|ARGON2)\}"
    r"|^\$(?:1|2[abxy]?|5|6|7|y|gy|apr1|md5|sha1|argon2(?:id|i|d)|scrypt|pbkdf2(?:-sha\d+)?)\$",
    re.IGNORECASE)
_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/]{10,}={0,2}")
# `password`, `passwd` and `secret`, also in leetspeak (`p@ssw0rd`, `pa33w0rd`, `s3cr3t`, `53cr37`).
_SELF_NAMING = re.compile(r"p[a@4][s$5z3]{2}w(?:[o0]r)?d|[s$5][e3][ck(]r[e3][t7+]", re.IGNORECASE)


def is_stand_in_value(value: str) -> bool:
    """A value that is not a credential wherever it is written: a stored password hash, or base64
    of a readable phrase (`YSBzZWNyZXQ=` is "a secret"). Real credentials are random or issued."""
    return _PASSWORD_HASH.match(value) is not None or _encodes_text(value, spaced=True)


def is_fixture_stand_in(value: str, rel_path: str) -> bool:
    """A value that spells its own kind (`superS3cret`, `p@ssword`, `53cr37`), a word and a number
    (`hunter42`), or base64 of a readable phrase (`test-secret-for-unit-tests-only!`) in a test or
    a document: a fixture. The same value in application code or configuration stays reported (a weak
    hard-coded password is still one; a client secret someone typed is still the app's)."""
    if not is_test_or_doc_path(rel_path):
        return False
    return (_SELF_NAMING.search(value) is not None or _WORD_AND_NUMBER.fullmatch(value) is not None
            or _encodes_text(value, spaced=False))


# A word and a number (`hunter42`, `password1`, `Summer2024`, `blue-ocean-42`): a test's or a
# document's password, a real (weak) one in application code.
_WORD_AND_NUMBER = re.compile(r"[^\W\d_]+\d*(?:[_\-.](?:[^\W\d_]+\d*|\d+))*")


_FIXTURE_DIRS = frozenset(("test", "tests", "testing", "__tests__", "spec", "specs", "fixtures", "testdata",
                           "test_data", "docs", "doc"))
_TEST_FILE = re.compile(r"^(?:test_|conftest\.)|[._-](?:test|tests|spec)\.[a-z0-9]+$")
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".txt", ".adoc")


def is_test_or_doc_path(rel_path: str) -> bool:
    """A test module, a file under a test, fixture or documentation directory, or a document."""
    parts = rel_path.lower().split("/")
    name = parts[-1]
    return (any(part in _FIXTURE_DIRS for part in parts[:-1]) or _TEST_FILE.search(name) is not None
            or name.endswith(_DOC_SUFFIXES))


def _encodes_text(value: str, *, spaced: bool) -> bool:
    """Base64 of printable ASCII (with a space when `spaced`): typed text, where a key is random
    bytes (32 random bytes are all printable once in 10^14)."""
    if not _BASE64_TEXT.fullmatch(value) or len(value) % 4:
        return False
    import base64
    import binascii

    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    printable = all(32 <= byte < 127 or byte in (9, 10, 13) for byte in raw)
    return printable and (b" " in raw or not spaced)
