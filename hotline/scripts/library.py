"""Script templates (话术): loading, checking, rendering, FAQ ranking and reading values aloud.

Templates are data a supervisor edits in a text editor: one TOML file per template set, in
`hotline/scripts/templates/<locale>/*.toml`, each file a list of `[[template]]` tables::

    [[template]]
    id = "greeting.default"        # unique within a locale; a desk folder overrides by id
    stage = "greeting"             # one of STAGES
    category = "complaint"         # optional: the call category this wording is for
    title = "标准问候"
    text = "您好,{company}售后热线,很高兴为您服务!"
    keywords = ["物流", "快递"]      # optional, used to rank FAQ answers and by search

A desk can add its own folder (config `scripts_dir`, the same `<dir>/<locale>/*.toml` layout):
a template there with a shipped id replaces the shipped one, a new id adds a template.

Loading never raises on a bad file: a file that does not parse, a missing or unknown key, an
unknown stage or variable, a duplicate id — each becomes a `ScriptProblem` naming the file, the
line and the name, and the app starts with every template that is fine. `hotline scripts check`
prints them (`check()`).

By convention the read-back of a key field has the id `readback.<field>` (`readback.phone`,
`readback.product_model`, `readback.symptom`); `ScriptLibrary.readback()` picks it and falls back
to the generic read-back of the stage (`{field}` / `{value}`).

This module imports neither Textual nor Rich: the CLI and services use it too.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from math import log
from pathlib import Path

from hotline.i18n import LOCALES, t

__all__ = [
    "LOCALES",
    "STAGES",
    "VARIABLES",
    "MISSING_LEFT",
    "MISSING_RIGHT",
    "ScriptLibrary",
    "ScriptProblem",
    "Template",
    "check",
    "load_library",
    "read_aloud",
    "render",
    "render_parts",
]

STAGES: tuple[str, ...] = (
    "greeting",
    "identify",
    "record",
    "readback",
    "resolve",
    "transfer",
    "closing",
    "hold",
    "callback",
    "satisfaction",
    "calming",
    "outage",
    "after_hours_greeting",
    "faq",
)
"""Every stage a template can belong to: the call flow first, then the occasional ones."""

VARIABLES: frozenset[str] = frozenset(
    {
        "company",
        "agent",
        "customer",
        "department",
        "eta",
        "reason",
        "call_number",
        "field",
        "value",
        "notice",
        "result",
        "phone",
        "product_model",
        "symptom",
    }
)
"""The `{name}` placeholders a template may use."""

MISSING_LEFT = "‹"
MISSING_RIGHT = "›"
"""An unfilled variable renders as `‹name›`: readable, noticed, and never taken for markup."""

SHIPPED_DIR = Path(__file__).parent / "templates"
"""The templates that come with hotline."""

_NEXT_STAGE: dict[str, str | None] = {
    "greeting": "identify",
    "after_hours_greeting": "identify",
    "identify": "record",
    "record": "readback",
    "readback": "resolve",
    "resolve": "closing",
    "transfer": "closing",
    "callback": "satisfaction",
    "satisfaction": "closing",
    "closing": None,
    "hold": None,
    "calming": None,
    "outage": None,
    "faq": None,
}

_REQUIRED = ("id", "stage", "title", "text")
_OPTIONAL = ("category", "keywords")

# `{anything}` on one line: a known variable, or a mistake to report (a brace pair is never
# legitimate text in something an agent reads aloud).
_PLACEHOLDER = re.compile(r"\{([^{}\n]*)\}")
# C0 controls (tab and newline become spaces), DEL and C1: a value never reaches the screen raw.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Template:
    """One piece of wording, as read from a template file."""

    id: str
    stage: str
    locale: str
    title: str
    text: str
    category: str | None
    keywords: tuple[str, ...]
    source: Path
    """The file it was read from (a desk's file when it overrides a shipped one)."""
    line: int
    """The line of its `[[template]]` header in `source`."""


@dataclass(frozen=True)
class ScriptProblem:
    """Something wrong in a template file; the template (or the file) is left out, nothing raises.

    `message` is an i18n catalog key (`scripts.problem.*`) whose text takes `{name}`.
    """

    file: Path
    line: int
    name: str
    """What the problem is about: the variable, the template id, the key, the stage, the locale
    folder — or, for a file that does not parse, the TOML reader's own words."""
    message: str

    def describe(self, locale: str | None = None) -> str:
        """The problem in words, without the place (`unknown variable “costumer”`)."""
        return t(self.message, locale, name=self.name)

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{place}: {self.describe()}"


# --------------------------------------------------------------------------- rendering


def _clean(value: str) -> str:
    return _CONTROL.sub(lambda m: " " if m.group() in "\t\n\r" else "", str(value)).strip()


def render_parts(template: Template | str, variables: Mapping[str, str]) -> list[tuple[str, bool]]:
    """The text of `template` as pieces `(text, missing)`, `missing` true for an unfilled variable.

    A widget uses this to style the `‹name›` markers; `render()` joins the pieces.
    """
    text = template.text if isinstance(template, Template) else str(template)
    parts: list[tuple[str, bool]] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > pos:
            parts.append((text[pos : match.start()], False))
        name = match.group(1).strip()
        raw = variables.get(name) if name in VARIABLES else None
        value = _clean(raw) if raw is not None else ""
        if value:
            parts.append((value, False))
        else:
            parts.append((f"{MISSING_LEFT}{name}{MISSING_RIGHT}", True))
        pos = match.end()
    if pos < len(text):
        parts.append((text[pos:], False))
    return parts


def render(template: Template | str, variables: Mapping[str, str]) -> str:
    """Fill a template's `{variables}`; never raises.

    A variable that is missing or blank (or unknown) shows as `‹name›` so the agent notices it
    before reading the sentence aloud. Values are inserted as plain text: control characters are
    dropped, and nothing in them is ever interpreted (no format specs, no markup).
    """
    return "".join(piece for piece, _ in render_parts(template, variables))


# --------------------------------------------------------------------------- reading aloud

_PHONE_FIELDS = frozenset(
    {"phone", "alt_phone", "mobile", "landline", "caller_phone", "contact_phone"}
)
_MODEL_FIELDS = frozenset({"product_model", "model", "serial_no", "serial_number"})


def _groups_of_four(digits: str) -> list[str]:
    """`12345678` → `1234 5678`; a short head goes first (`1234567` → `123 4567`)."""
    head = len(digits) % 4
    out = [digits[:head]] if head else []
    out += [digits[i : i + 4] for i in range(head, len(digits), 4)]
    return out


def _read_phone(value: str, locale: str) -> str:
    raw = unicodedata.normalize("NFKC", value).strip()
    if not raw:
        return value
    extension = ""
    ext_match = re.search(r"(?:\s*(?:转|ext\.?|x|#)\s*|-)(\d{1,6})$", raw, re.IGNORECASE)
    body = raw
    if ext_match and len(re.sub(r"\D", "", raw[: ext_match.start()])) >= 10:
        extension = ext_match.group(1)
        body = raw[: ext_match.start()]
    if re.search(r"[^\d\s\-+().]", body):
        return value  # letters or other text: not a number we know how to group
    prefix = ""
    digits = re.sub(r"\D", "", body)
    if body.lstrip().startswith("+"):
        if digits.startswith("86"):
            prefix, digits = "+86 ", digits[2:]
        else:
            return " ".join(body.split())
    if not digits:
        return value
    if len(digits) == 11 and digits.startswith("1"):
        groups = [digits[:3], digits[3:7], digits[7:]]
    elif len(digits) == 10 and digits[:3] in ("400", "800"):
        groups = [digits[:3], digits[3:6], digits[6:]]
    elif digits.startswith("0") and len(digits) >= 9:
        parts = re.split(r"[\s\-()]+", body.strip(" ()"))
        parts = [p for p in parts if p]
        if len(parts) >= 2 and parts[0].startswith("0") and 3 <= len(parts[0]) <= 4:
            area = parts[0]
        else:
            # 010 and 02x are three digits; every other area code has four.
            area = digits[:3] if digits[1] in "12" else digits[:4]
        groups = [area, *_groups_of_four(digits[len(area) :])]
    else:
        groups = _groups_of_four(digits)
    spoken = prefix + " ".join(groups)
    if extension:
        spoken += " " + t("scripts.extension", locale, number=extension)
    return spoken


def _read_model(value: str) -> str:
    compact = value.strip()
    has_letter = any(ch.isascii() and ch.isalpha() for ch in compact)
    has_digit = any(ch.isdigit() for ch in compact)
    if not (has_letter and has_digit):
        return value
    return " ".join(ch for ch in compact if not ch.isspace())


def read_aloud(field: str, value: str, locale: str) -> str:
    """Format a key field's value the way an agent reads it back to the caller.

    Phone numbers in groups (`13800138000` → `138 0013 8000`, `010-12345678` → `010 1234 5678`,
    `400-123-4567` → `400 123 4567`); a product model that mixes letters and digits letter by
    letter (`KFR-35GW` → `K F R - 3 5 G W`); anything else unchanged.
    """
    if value is None:
        return ""
    if field in _PHONE_FIELDS or field.endswith("_phone"):
        return _read_phone(value, locale)
    if field in _MODEL_FIELDS:
        return _read_model(value)
    return value


# --------------------------------------------------------------------------- ranking

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP_WORDS = frozenset(
    """a an and are as at be been but by can could do does did for from had has have how i if in
    into is it its me my no not of on or our please so that the their them then there this to
    us was we were what when where which who why will with would you your hello hi just got get
    still yet any some""".split()
)
_SUFFIXES = ("ation", "ies", "ing", "ed", "es", "s", "y", "e")


def _stem(word: str) -> str:
    if "'" in word:
        word = word.split("'", 1)[0]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _tokens(text: str) -> set[str]:
    """Search tokens: CJK character bigrams and trigrams (single characters for a run of one),
    and English words, lightly stemmed, without stop words."""
    norm = _normalise(text)
    tokens: set[str] = set()
    for run in _CJK_RUN.findall(norm):
        if len(run) == 1:
            tokens.add(run)
            continue
        for size in (2, 3):
            tokens.update(run[i : i + size] for i in range(len(run) - size + 1))
    for word in _WORD.findall(_CJK_RUN.sub(" ", norm)):
        if word in _STOP_WORDS or (len(word) < 2 and not word.isdigit()):
            continue
        tokens.add(_stem(word))
    return tokens


@dataclass(frozen=True)
class _Index:
    keywords: frozenset[str]
    title: frozenset[str]
    text: frozenset[str]
    phrases: tuple[str, ...]
    haystack: str


def _index(template: Template) -> _Index:
    keyword_tokens: set[str] = set()
    for keyword in template.keywords:
        keyword_tokens |= _tokens(keyword)
    return _Index(
        keywords=frozenset(keyword_tokens),
        title=frozenset(_tokens(template.title)),
        text=frozenset(_tokens(template.text)),
        phrases=tuple(_normalise(k) for k in template.keywords if k.strip()),
        haystack=_normalise(" ".join((template.title, " ".join(template.keywords), template.text))),
    )


# --------------------------------------------------------------------------- the library


class ScriptLibrary:
    """Every template of every locale, with the problems met while loading them."""

    def __init__(
        self,
        templates: Iterable[Template] = (),
        problems: Iterable[ScriptProblem] = (),
    ) -> None:
        self._by_locale: dict[str, dict[str, Template]] = {}
        for template in templates:
            self._by_locale.setdefault(template.locale, {})[template.id] = template
        self.problems: tuple[ScriptProblem, ...] = tuple(problems)
        self._indexes: dict[Template, _Index] = {}

    def __repr__(self) -> str:
        counts = {loc: len(ts) for loc, ts in self._by_locale.items()}
        return f"<ScriptLibrary {counts} problems={len(self.problems)}>"

    def templates(self, locale: str) -> list[Template]:
        """The templates of one locale, in file order (shipped first, then a desk's new ones)."""
        return list(self._by_locale.get(locale, {}).values())

    def ids(self, locale: str) -> set[str]:
        return set(self._by_locale.get(locale, {}))

    def get(self, template_id: str, locale: str) -> Template | None:
        """The template with this id in this locale, or None."""
        return self._by_locale.get(locale, {}).get(template_id)

    def for_stage(
        self,
        stage: str,
        locale: str,
        *,
        category: str | None = None,
        after_hours: bool = False,
    ) -> Template | None:
        """The wording for a stage of the call.

        The first template of the stage written for `category` wins over the first generic one
        (no category); a greeting after hours is the `after_hours_greeting` (the normal greeting
        when a locale has none).
        """
        if stage == "greeting" and after_hours:
            found = self.for_stage("after_hours_greeting", locale, category=category)
            if found is not None:
                return found
        generic: Template | None = None
        for template in self._by_locale.get(locale, {}).values():
            if template.stage != stage:
                continue
            if category is not None and template.category == category:
                return template
            if template.category is None and generic is None:
                generic = template
        return generic

    def readback(self, field: str, locale: str) -> Template | None:
        """The read-back for one key field: `readback.<field>`, else the generic read-back."""
        found = self.get(f"readback.{field}", locale)
        return found if found is not None else self.for_stage("readback", locale)

    def next_stage(self, stage: str) -> str | None:
        """The stage that usually follows (`readback` → `resolve`; `transfer` → `closing`)."""
        return _NEXT_STAGE.get(stage)

    def _index_of(self, template: Template) -> _Index:
        index = self._indexes.get(template)
        if index is None:
            index = self._indexes[template] = _index(template)
        return index

    def rank_faq(self, text: str, locale: str, limit: int = 5) -> list[Template]:
        """FAQ answers that best match a caller's words (a symptom, a description).

        Chinese is cut into character bigrams and trigrams, English into words; a token counts
        more in the keywords than in the title, and more in the title than in the answer, and
        rare tokens count more than common ones. Empty text gives no suggestions.
        """
        query = _tokens(text)
        if not query or limit <= 0:
            return []
        faqs = [t for t in self.templates(locale) if t.stage == "faq"]
        if not faqs:
            return []
        indexes = [self._index_of(t) for t in faqs]
        n = len(faqs)
        norm = _normalise(text)
        idf: dict[str, float] = {}
        for token in query:
            df = sum(
                1 for ix in indexes if token in ix.keywords or token in ix.title or token in ix.text
            )
            if df:
                idf[token] = log(1 + n / df)
        scored: list[tuple[float, int, Template]] = []
        for order, (template, index) in enumerate(zip(faqs, indexes, strict=True)):
            score = 0.0
            for token, weight in idf.items():
                if token in index.keywords:
                    score += 3 * weight
                elif token in index.title:
                    score += 2 * weight
                elif token in index.text:
                    score += 0.5 * weight
            score += sum(2.0 for phrase in index.phrases if len(phrase) >= 2 and phrase in norm)
            if score > 0:
                scored.append((score, order, template))
        if not scored:
            return []
        scored.sort(key=lambda item: (-item[0], item[1]))
        best = scored[0][0]
        return [t for score, _, t in scored if score >= best * 0.25][:limit]

    def search(self, query: str, locale: str, limit: int = 20) -> list[Template]:
        """Templates whose title, text or keywords match `query`, best first.

        The whole query as a substring counts most (so one Chinese character finds something),
        then shared tokens. An empty query lists the templates in file order.
        """
        templates = self.templates(locale)
        norm = _normalise(query).strip()
        if not norm:
            return templates[:limit]
        query_tokens = _tokens(query)
        scored: list[tuple[float, int, Template]] = []
        for order, template in enumerate(templates):
            index = self._index_of(template)
            score = 0.0
            if norm in _normalise(template.title):
                score += 10
            elif norm in index.haystack:
                score += 5
            shared = query_tokens & (index.keywords | index.title | index.text)
            score += len(shared) / max(1, len(query_tokens)) * 4
            if score > 0:
                scored.append((score, order, template))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [t for _, _, t in scored[:limit]]


# --------------------------------------------------------------------------- loading


@dataclass
class _Block:
    header: int
    keys: dict[str, int]


def _scan_blocks(source: str) -> tuple[list[_Block], int]:
    """Lines of every `[[template]]` header and of the keys under it (a light scan that skips
    multi-line strings); also the line of a top-level `template =` if there is one."""
    blocks: list[_Block] = []
    inline_line = 1
    delimiter: str | None = None
    in_template = False
    for number, line in enumerate(source.splitlines(), start=1):
        if delimiter is not None:
            if line.count(delimiter) % 2 == 1:
                delimiter = None
            continue
        stripped = line.strip()
        if stripped.startswith("["):
            in_template = re.match(r"\[\[\s*template\s*\]\]", stripped) is not None
            if in_template:
                blocks.append(_Block(number, {}))
            continue
        key = re.match(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""", line)
        if key:
            name = key.group(1).strip("\"'")
            if in_template and blocks:
                blocks[-1].keys.setdefault(name, number)
            elif name == "template":
                inline_line = number
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                delimiter = quote
                break
    return blocks, inline_line


def _line_of(source_lines: list[str], needle: str, start: int, default: int) -> int:
    for number in range(max(start, 1), len(source_lines) + 1):
        if needle in source_lines[number - 1]:
            return number
    return default


def _line_of_key(source_lines: list[str], key: str) -> int:
    pattern = re.compile(rf"""^\s*(\[+\s*)?["']?{re.escape(key)}["']?\s*[=.\]]""")
    for number, line in enumerate(source_lines, start=1):
        if pattern.match(line):
            return number
    return 1


def _parse_error_line(error: tomllib.TOMLDecodeError) -> tuple[int, str]:
    message = str(error)
    lineno = getattr(error, "lineno", None)
    match = re.search(r"\s*\(at line (\d+), column \d+\)\s*$", message)
    if match:
        message = message[: match.start()]
        lineno = lineno or int(match.group(1))
    match = re.search(r"\s*\(at end of document\)\s*$", message)
    if match:
        message = message[: match.start()]
    return int(lineno or 1), message or "invalid TOML"


def _load_file(path: Path, locale: str) -> tuple[list[Template], list[ScriptProblem]]:
    problems: list[ScriptProblem] = []

    def problem(line: int, name: str, key: str) -> None:
        problems.append(ScriptProblem(path, line, name, f"scripts.problem.{key}"))

    try:
        raw = path.read_bytes()
        source = raw.decode("utf-8-sig")
    except OSError as error:
        problem(1, error.strerror or type(error).__name__, "unreadable")
        return [], problems
    except UnicodeDecodeError:
        problem(1, path.name, "not_utf8")
        return [], problems
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        line, detail = _parse_error_line(error)
        problem(line, detail, "parse_error")
        return [], problems

    lines = source.splitlines()
    blocks, inline_line = _scan_blocks(source)
    for key in data:
        if key != "template":
            problem(_line_of_key(lines, key), key, "unknown_key")
    entries = data.get("template", [])
    if not isinstance(entries, list):
        problem(inline_line, "template", "not_a_list")
        return [], problems
    located = len(blocks) == len(entries)

    templates: list[Template] = []
    for position, entry in enumerate(entries):
        block = blocks[position] if located else _Block(inline_line, {})
        header = block.header

        def line_of(key: str, _block: _Block = block) -> int:
            return _block.keys.get(key, _block.header)

        if not isinstance(entry, dict):
            problem(header, "template", "not_a_table")
            continue
        label = entry.get("id") if isinstance(entry.get("id"), str) else None
        bad = False
        for key in _REQUIRED:
            if key not in entry:
                problem(header, key, "missing_key")
                bad = True
            elif not isinstance(entry[key], str) or not entry[key].strip():
                problem(line_of(key), key, "not_text")
                bad = True
        for key in entry:
            if key not in _REQUIRED and key not in _OPTIONAL:
                problem(line_of(key), key, "unknown_key")
        category = entry.get("category")
        if category is not None and (not isinstance(category, str) or not category.strip()):
            problem(line_of("category"), "category", "not_text")
            bad = True
        keywords = entry.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            problem(line_of("keywords"), "keywords", "not_text_list")
            bad = True
        stage = entry.get("stage")
        if isinstance(stage, str) and stage.strip() and stage not in STAGES:
            problem(line_of("stage"), stage, "unknown_stage")
            bad = True
        for field in ("text", "title"):
            value = entry.get(field)
            if not isinstance(value, str):
                continue
            for match in _PLACEHOLDER.finditer(value):
                name = match.group(1)
                if name not in VARIABLES:
                    needle = match.group(0)
                    problem(
                        _line_of(lines, needle, line_of(field), line_of(field)),
                        name,
                        "unknown_variable",
                    )
                    bad = True
        if bad:
            continue
        assert label is not None
        templates.append(
            Template(
                id=label.strip(),
                stage=str(stage),
                locale=locale,
                title=entry["title"].strip(),
                text=entry["text"].strip(),
                category=category.strip() if isinstance(category, str) else None,
                keywords=tuple(k.strip() for k in keywords if k.strip()),
                source=path,
                line=header,
            )
        )
    return templates, problems


def _load_dir(root: Path) -> tuple[dict[str, dict[str, Template]], list[ScriptProblem]]:
    """Every template under `root/<locale>/*.toml`, by locale and id; duplicates are problems."""
    by_locale: dict[str, dict[str, Template]] = {}
    problems: list[ScriptProblem] = []
    if not root.is_dir():
        problems.append(ScriptProblem(root, 0, str(root), "scripts.problem.no_folder"))
        return by_locale, problems
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name.startswith((".", "_")):
            continue
        if folder.name not in LOCALES:
            problems.append(ScriptProblem(folder, 0, folder.name, "scripts.problem.unknown_locale"))
            continue
        seen = by_locale.setdefault(folder.name, {})
        for path in sorted(folder.glob("*.toml")):
            templates, file_problems = _load_file(path, folder.name)
            problems.extend(file_problems)
            for template in templates:
                first = seen.get(template.id)
                if first is not None:
                    problems.append(
                        ScriptProblem(
                            path, template.line, template.id, "scripts.problem.duplicate_id"
                        )
                    )
                    continue
                seen[template.id] = template
    return by_locale, problems


def load_library(extra_dir: Path | None = None) -> ScriptLibrary:
    """The shipped templates, overridden and extended by a desk's folder (config `scripts_dir`).

    Never raises for a bad template file: see `ScriptLibrary.problems`.
    """
    merged, problems = _load_dir(SHIPPED_DIR)
    if extra_dir is not None:
        desk, desk_problems = _load_dir(Path(extra_dir))
        problems.extend(desk_problems)
        for locale, templates in desk.items():
            target = merged.setdefault(locale, {})
            for template_id, template in templates.items():
                target[template_id] = template  # same id: keeps the shipped position
    return ScriptLibrary(
        (t for templates in merged.values() for t in templates.values()),
        problems,
    )


def check(extra_dir: Path | None = None) -> list[ScriptProblem]:
    """Every problem in the shipped templates and a desk's folder (`hotline scripts check`)."""
    return list(load_library(extra_dir).problems)
