"""The identification check: details in an example's text that could identify a person.

Pure domain code (no Flask, no Whoosh). `check_example(content, comment)` runs over every
free-text field of a learning example and the edit comment; `check_text(field, text)` over one
text. Each `Finding` names its field, its position (`text[start:end]` is exactly what was
found), its kind, its severity and an excerpt in which every finding is masked, so that the
excerpt never repeats the identifying text.

Kinds, with severity:

- `personnummer`, `samordningsnummer` (block): 10 or 12 digits, `-`, `+` or nothing before the
  last four, a real date in the past (the day plus 60 for a samordningsnummer) and a valid
  check digit, validated with the `personnummer` package. Not: organisation numbers (month
  20 or more), numbers inside longer digit runs, a 10-digit number followed by kr/kronor/SEK.
- `phone` (warn): `phonenumbers`' matcher (region SE, leniency VALID), run only on groups of
  7 digits or more that start with 0, + or "(" (070-123 45 67, +46 70 123 45 67, (08) 123 456 78).
  Not: toll-free (020, 0200), shared-cost (0771 …) and premium-rate numbers, which
  organisations publish for everyone; short numbers (112, 1177, 114 14, 116 006 …), which the
  matcher never accepts; opening hours such as 08.30-12.00; sums, years and periods.
- `email` (warn): an e-mail address in any field but `contact`.
- `address` (warn): a street name ending in -gatan, -vägen, -gränd, -torget, -plan, -backen,
  -allén, -leden … followed by a house number (`Åsgatan 38`, `Stora Torget 3`,
  `Vasavägen 12A`), and a postal code followed by a town (`791 72 Falun`).
- `registration` (warn): a vehicle registration number, three capital letters (not I, Q, V,
  Å, Ä, Ö) and two digits and a digit or letter (`ABC 123`, `ABC 12D`), unless the letters are a
  known acronym or currency (`SEK 250`).
- `name` (warn): a given name from `data/given_names_sv.txt` followed by a capitalised word
  (`Anna Lindqvist`), and the capitalised word after fru, herr or fröken. Given names that are
  also Swedish words (Per, Bo, Liv …) count at the start of a sentence only before a word that
  looks like a surname; a few organisations (Maria Ungdom, Rosa Bandet …) are not names.

Overlapping findings are reduced to one: a personnummer wins over a phone number, an address
over a name. The excerpt shows about 30 characters either side on one line, with every letter
and digit of each finding in it replaced by ▇ (`…heter ▇▇▇▇▇▇-▇▇▇▇ och…`).

List fields (`target_groups`, `tags`) are checked item by item; the field of a finding is then
`target_groups[2]` and its offsets are into that item.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Mapping

import phonenumbers
from personnummer.personnummer import Personnummer, PersonnummerException

__all__ = ["BLOCK", "WARN", "SEVERITY", "TEXT_FIELDS", "LIST_FIELDS", "Finding", "check_text", "check_example",
           "given_names", "AMBIGUOUS_GIVEN_NAMES", "NOT_NAMES", "PUBLIC_SHORT_NUMBERS"]

BLOCK = "block"
WARN = "warn"
SEVERITY = {
    "personnummer": BLOCK,
    "samordningsnummer": BLOCK,
    "phone": WARN,
    "email": WARN,
    "address": WARN,
    "registration": WARN,
    "name": WARN,
}
# When two findings overlap, the one of the earlier kind here wins (then the longer one).
_PRECEDENCE = {kind: rank for rank, kind in enumerate(SEVERITY)}

TEXT_FIELDS = ("title", "summary", "body", "contact")
LIST_FIELDS = ("target_groups", "tags")

_CONTEXT = 30
_MASK_CHAR = "\u2587"
_WHITESPACE = re.compile(r"\s")
_SPACE = "[ \u00a0]"
_UPPER = "A-ZÀ-ÖØ-ÞŁŚŻŹĆŃŞĞİŽŠČĐ"


@dataclass(frozen=True)
class Finding:
    field: str
    start: int
    end: int
    kind: str
    severity: str
    excerpt: str

    def as_dict(self) -> dict:
        return {"field": self.field, "start": self.start, "end": self.end, "kind": self.kind,
                "severity": self.severity, "excerpt": self.excerpt}


# --------------------------------------------------------------------------------------
# Personnummer and samordningsnummer
# --------------------------------------------------------------------------------------

_PNR = re.compile(r"(?<!\d)(?<!\d[-+.,/:–])((?:18|19|20)?\d{6})([-+–]?)(\d{4})(?!\d)(?![-+.,/:–]\d)")
_MONEY_AFTER = re.compile(r"[ \u00a0]*(?:kr\b|kronor\b|sek\b|:-)", re.IGNORECASE)


def _personnummer(text: str, runs: list[tuple[re.Match, int]]) -> list[tuple[int, int, str]]:
    found = []
    for run, digits in runs:
        if digits >= 10:
            found += _personnummer_in(text, run.start(), min(len(text), run.end() + 2))
    return found


def _personnummer_in(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    found = []
    for m in _PNR.finditer(text, start, end):
        if len(m.group(1)) == 6 and not m.group(2) and _MONEY_AFTER.match(text, m.end()):
            continue
        try:
            number = Personnummer(m.group(1) + m.group(2).replace("–", "-") + m.group(3))
            born = number.get_date()
        except (PersonnummerException, ValueError):
            continue
        if born > date.today():
            continue
        found.append((m.start(), m.end(), "samordningsnummer" if number.is_coordination_number() else "personnummer"))
    return found


# --------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------

# Digits with what may stand between them in a phone number or personnummer; found once per text.
_DIGIT_RUN = re.compile(r"[+(]?\d(?:[\d \u00a0()/–+-]|\.(?=\d))*\d")
_MIN_PHONE_DIGITS = 7
_PUBLIC_TYPES = frozenset({
    phonenumbers.PhoneNumberType.TOLL_FREE,      # 020-, 0200-: Kvinnofridslinjen 020-50 50 50
    phonenumbers.PhoneNumberType.SHARED_COST,    # 0771-: authorities' national lines
    phonenumbers.PhoneNumberType.PREMIUM_RATE,   # 0900-, 0939-, 0944-
})
# Short numbers published for everyone. The VALID matcher does not accept them; kept as a guard.
PUBLIC_SHORT_NUMBERS = frozenset({"112", "11313", "11414", "1177", "116000", "116006", "116111", "116117"})
_TIME_RANGE = re.compile(r"\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2}")


def _digit_runs(text: str) -> list[tuple[re.Match, int]]:
    return [(run, sum(c.isdigit() for c in run.group())) for run in _DIGIT_RUN.finditer(text)]


def _phones(text: str, runs: list[tuple[re.Match, int]]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for run, digits in runs:
        if digits < _MIN_PHONE_DIGITS:
            continue
        # A number written in Sweden starts with 0 or +. The matcher rejects "2019 070-123 45 67"
        # whole, so it is tried from each group of the run that starts so (never on sums of money).
        for i in range(run.start(), run.end() - 6):
            if text[i] not in "0+(" or (i > run.start() and text[i - 1] not in " \u00a0/("):
                continue
            if (found and found[-1][1] > i) or _TIME_RANGE.match(text, i):
                continue
            left, right = i, run.end()
            if i == run.start():
                # A few characters either side, never digits, let the matcher see what touches the number.
                while left > max(0, i - 3) and not text[left - 1].isdigit():
                    left -= 1
                while right < min(len(text), run.end() + 3) and not text[right].isdigit():
                    right += 1
            matches = _phones_in(text[left:right], left)
            if matches and matches[0][0] > i + 1:
                # "023 - 12 34 56 (08) 123 456 78": the matcher took the later number only.
                matches = _phones_in(text[left:matches[0][0]], left) + matches
            found += matches
    return found


def _phones_in(window: str, offset: int) -> list[tuple[int, int, str]]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(window, "SE", leniency=phonenumbers.Leniency.VALID):
        if phonenumbers.number_type(match.number) in _PUBLIC_TYPES:
            continue
        if phonenumbers.national_significant_number(match.number) in PUBLIC_SHORT_NUMBERS:
            continue
        if _TIME_RANGE.fullmatch(match.raw_string):
            continue
        found.append((offset + match.start, offset + match.end, "phone"))
    return found


# --------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")


def _emails(text: str) -> list[tuple[int, int, str]]:
    if "@" not in text:
        return []
    return [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]


# --------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------

_STREET_SUFFIXES = ("gatan", "gata", "vägen", "väg", "gränden", "gränd", "stigen", "torget", "torg", "plan",
                    "platsen", "backen", "backe", "allén", "allé", "leden", "kajen", "stråket", "slingan",
                    "esplanaden", "promenaden")
_SUFFIX = "(?:" + "|".join(f"[{s[0]}{s[0].upper()}]{s[1:]}" for s in _STREET_SUFFIXES) + ")"
_CAPWORD = f"[{_UPPER}][^\\W\\d_]*"
_SPACE_DIGIT = re.compile(_SPACE + r"\d")
_ADDRESS = re.compile(
    rf"(?<![\w-])(?P<pre>(?:(?:{_CAPWORD}|S:t){_SPACE}){{0,3}})(?P<street>[^\W\d_]*?{_SUFFIX}){_SPACE}"
    rf"(?P<number>\d{{1,3}}(?:[-–]\d{{1,3}})?(?:{_SPACE}?[A-Ha-h](?!\w))?)(?!\w|[.,:]\d)")
# Capitalised words before a capitalised street word that belong to the street's name.
_STREET_PREFIXES = frozenset({"Stora", "Lilla", "Norra", "Södra", "Östra", "Västra", "Övre", "Nedre", "Gamla",
                              "Nya", "Sankt", "S:t"})
# Roads and plans that are not addresses: "Riksväg 70", "Handlingsplan 2", "Detaljplan 12".
_ROAD_PREFIXES = ("riks", "läns", "europa", "motor", "gen", "om", "cykel", "gång")
_PLAN_NOUNS = frozenset({"detaljplan", "vårdplan", "arbetsplan", "projektplan", "stödplan", "krisplan", "årsplan",
                         "genomförandeplan", "översiktsplan", "lokalplan"})
_POSTCODE = re.compile(
    rf"(?<![\w-])(?<!\d{_SPACE})(?:SE-|S-)?[1-9]\d{{2}}{_SPACE}?\d{{2}}(?!\d){_SPACE}+"
    rf"(?:(?:Stora|Lilla|Norra|Södra|Östra|Västra|Övre|Nedre){_SPACE})?{_CAPWORD}(?:-{_CAPWORD})?")


def _is_street(pre: list[str], street: str) -> bool:
    lower = street.lower()
    suffix = next(s for s in _STREET_SUFFIXES if lower.endswith(s))
    bare = lower == suffix
    if bare and not pre:
        return False
    if not bare and not street[0].isupper():
        return False
    if bare and not street[0].isupper() and suffix in ("plan", "platsen"):
        return False
    if suffix == "plan" and not bare and (lower in _PLAN_NOUNS or lower[:-4].endswith("s")):
        return False
    if suffix in ("väg", "vägen") and not bare and lower.startswith(_ROAD_PREFIXES):
        return False
    return True


def _street_hint(text: str) -> bool:
    """True if some word ending like a street name stands before a number (cheaper than the full pattern)."""
    for m in _SPACE_DIGIT.finditer(text):
        if text[max(0, m.start() - 12):m.start()].lower().endswith(_STREET_SUFFIXES):
            return True
    return False


def _addresses(text: str, runs: list[tuple[re.Match, int]]) -> list[tuple[int, int, str]]:
    found = []
    if _street_hint(text):
        for m in _ADDRESS.finditer(text):
            pre_text, street = m.group("pre"), m.group("street")
            pre = pre_text.split()
            if not _is_street(pre, street):
                continue
            bare = street.lower() in _STREET_SUFFIXES
            if bare:
                kept = len(pre)
            else:
                kept = 0
                while kept < len(pre) and pre[len(pre) - 1 - kept] in _STREET_PREFIXES:
                    kept += 1
            start = m.start("street")
            for word in reversed(pre[len(pre) - kept:]):
                start = text.rindex(word, m.start(), start)
            found.append((start, m.end(), "address"))
    if any(digits >= 5 for _, digits in runs):
        found.extend((m.start(), m.end(), "address") for m in _POSTCODE.finditer(text))
    return found


# --------------------------------------------------------------------------------------
# Registration numbers
# --------------------------------------------------------------------------------------

_PLATE = re.compile(r"(?<![\w-])([A-HJ-PR-UW-Z]{3})[ \u00a0]?(\d{2}[\dA-HJ-NPR-UW-Z])(?![\w-])")
# Acronyms, currencies and capitalised words that may stand before a number in an example.
_NOT_PLATES = frozenset({
    "SFS", "SOU", "SKR", "LSS", "SOL", "HSL", "EKB", "BUP", "KBT", "SKL", "SCB", "MFD", "NCK", "FHM", "SOS", "SMS",
    "NPF", "HVB", "CSN", "AMS", "EBP", "ICD", "DSM", "WHO", "EES", "UMO", "MSB", "BRB", "RFV", "PMU", "ACT", "ADD",
    "PDF", "DOC", "XLS", "PPT", "ASP", "CPR", "GDP", "BNP", "USA", "GPS", "ANT", "SEK", "EUR", "USD", "NOK", "DKK",
    "GBP", "CHF", "OCH", "MED", "DEN", "DET", "SOM", "ETT", "PER", "HAR", "KAP", "NYA", "TEL", "FAX", "ALT", "MAX",
    "MIN", "NUM", "NRS", "APP", "TOT", "SUM",
})


def _plates(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "registration") for m in _PLATE.finditer(text) if m.group(1) not in _NOT_PLATES]


# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------

_NAMES_FILE = Path(__file__).with_name("data") / "given_names_sv.txt"
_NAME_WORD = re.compile(rf"(?<![\w'’-])[{_UPPER}][^\W\d_]*(?:[-'’][^\W\d_]+)*")
_TITLED = re.compile(rf"(?<![\w-])(?:[Ff]ru|[Hh]err|[Ff]röken){_SPACE}+({_NAME_WORD.pattern})")
# Given names that are also Swedish words ("Per år", "Bo tryggt", "Liv", "Hans Majestät"): at the start
# of a sentence they count only before a word that looks like a surname.
AMBIGUOUS_GIVEN_NAMES = frozenset({
    "Per", "Bo", "Dag", "Liv", "Sol", "Lo", "My", "Maj", "Juni", "Björn", "Sten", "Stig", "Rut", "Siv", "Iris",
    "Love", "Lova", "Vilja", "Rosa", "Saga", "Hans", "Svea", "Klara", "Axel", "Karl", "Tom", "Max", "Bror", "Ebbe",
    "Tor", "Urban", "Tindra", "Lina", "Frans", "Tuva", "Tilde", "Minna", "Inga", "Mina", "Viola", "Alma", "Frank",
})
_SURNAME_SUFFIXES = ("son", "sen", "berg", "ström", "qvist", "kvist", "quist", "lund", "gren", "dahl", "dal", "man",
                     "mann", "ander", "ell", "ius", "strand", "holm", "stedt", "blom", "sjö", "wall", "vall", "bäck",
                     "ling", "lin", "borg", "feldt", "fors", "hed", "mark", "näs", "dotter", "ér", "én", "é")
# A capitalised word ending like this names a place or an institution, not a person: "Anna Lindhs-skolan"
# is a compound, "Erik Dahlbergsgatan" a street, "Carl Larssongården" a museum.
_PLACE_SUFFIXES = _STREET_SUFFIXES + ("skolan", "gården", "huset", "hemmet", "kyrkan", "parken", "sjukhuset",
                                      "stiftelsen", "fonden", "institutet", "dagen", "priset", "museet", "gymnasiet",
                                      "akademin", "mottagningen", "jouren", "centret", "kliniken", "enheten",
                                      "projektet", "modellen", "metoden", "programmet", "salen")
# Organisations and titles that begin with a given name.
NOT_NAMES = frozenset({
    ("Maria", "Ungdom"), ("Maria", "Magdalena"), ("Astrid", "Lindgrens"), ("Rosa", "Bandet"), ("Hans", "Majestät"),
    ("Svea", "Hovrätt"), ("Svea", "Rikes"),
})
_SENTENCE_END = ".!?…:\n(\"“”«»'"
_MARKDOWN = "#*->|+ \t\u00a0"

_given_names: frozenset[str] | None = None


def given_names() -> frozenset[str]:
    """The shipped list of given names (loaded once)."""
    global _given_names
    if _given_names is None:
        lines = _NAMES_FILE.read_text(encoding="utf-8").splitlines()
        _given_names = frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return _given_names


def _is_given(word: str, names: frozenset[str]) -> bool:
    return word in names or ("-" in word and all(part in names for part in word.split("-")))


def _is_surname(word: str) -> bool:
    parts = re.split("[-'’]", word)
    if not all(part[:1].isupper() for part in parts if len(part) > 1):
        return False
    if not any(c.islower() for c in word):
        return False
    lower = word.lower()
    return not lower.endswith(_PLACE_SUFFIXES)


def _has_surname_suffix(word: str) -> bool:
    lower = word.lower().rstrip("s")
    return lower.endswith(_SURNAME_SUFFIXES) or word.lower().endswith(_SURNAME_SUFFIXES)


def _at_sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in _MARKDOWN:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _chains(text: str) -> list[list[re.Match]]:
    chains: list[list[re.Match]] = []
    previous = None
    for m in _NAME_WORD.finditer(text):
        if previous is not None and m.start() - previous.end() == 1 and text[previous.end()] in " \u00a0":
            chains[-1].append(m)
        else:
            chains.append([m])
        previous = m
    return chains


def _names(text: str) -> list[tuple[int, int, str]]:
    names = given_names()
    found = []
    for chain in _chains(text):
        i = 0
        while i < len(chain) - 1:
            first = chain[i].group()
            if not _is_given(first, names) or (first, chain[i + 1].group()) in NOT_NAMES:
                i += 1
                continue
            k = i + 1
            while k < len(chain) and k - i < 4 and _is_given(chain[k].group(), names):
                k += 1
            if k < len(chain) and k - i < 4 and _is_surname(chain[k].group()):
                k += 1
                if k < len(chain) and _has_surname_suffix(chain[k].group()) and _is_surname(chain[k].group()):
                    k += 1
            if k == i + 1:
                i += 1
                continue
            if (first in AMBIGUOUS_GIVEN_NAMES and i == 0 and _at_sentence_start(text, chain[i].start())
                    and not any(_has_surname_suffix(chain[j].group()) for j in range(i + 1, k))):
                i += 1
                continue
            found.append((chain[i].start(), chain[k - 1].end(), "name"))
            i = k
    for m in _TITLED.finditer(text):
        if _is_surname(m.group(1)):
            found.append((m.start(1), m.end(1), "name"))
    return found


# --------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------


def _resolve(candidates: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keeps the strongest of overlapping candidates: block first, then kind order, then length."""
    chosen: list[tuple[int, int, str]] = []
    ranked = sorted(set(candidates), key=lambda c: (SEVERITY[c[2]] != BLOCK, _PRECEDENCE[c[2]], c[0] - c[1], c[0]))
    for candidate in ranked:
        i = bisect_left(chosen, (candidate[1],))
        if i > 0 and chosen[i - 1][1] > candidate[0]:
            continue
        chosen.insert(i, candidate)
    return chosen


def _mask(value: str) -> str:
    return re.sub(r"[^\W_]", _MASK_CHAR, value)


def _excerpt(text: str, start: int, end: int, spans: list[tuple[int, int, str]], ends: list[int]) -> str:
    a = max(0, start - _CONTEXT)
    b = min(len(text), end + _CONTEXT)
    if a > 0 and not text[a - 1].isspace():
        space = _WHITESPACE.search(text, a, start)
        a = space.end() if space else start
    if b < len(text) and not text[b].isspace():
        space = max(text.rfind(" ", end, b), text.rfind("\n", end, b))
        b = space if space >= 0 else end
    near = spans[bisect_right(ends, a):bisect_left(spans, (b,))]
    for s, e, _ in near:
        if s < a < e:
            a = e
        if s < b < e:
            b = s
    pieces, at = [], a
    for s, e, _ in near:
        if s >= a and e <= b:
            pieces.append(text[at:s])
            pieces.append(_mask(text[s:e]))
            at = e
    pieces.append(text[at:b])
    body = re.sub(r"\s+", " ", "".join(pieces)).strip()
    return ("…" if a > 0 else "") + body + ("…" if b < len(text) else "")


_clean: set[bytes] = set()  # digests of texts found clean today (no text is kept)
_clean_day: date | None = None


def check_text(field: str, text: str) -> list[Finding]:
    """Findings in one text, sorted by position; `field` names it in the findings.

    E-mail addresses are looked for in every field but `contact`. A text found clean is
    remembered by a digest for the day (a date of birth may stop being in the future), so an
    edit does not check again the fields it leaves as they were.
    """
    global _clean_day
    if not text:
        return []
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16,
                             person=b"contact" if field == "contact" else b"text").digest()
    today = date.today()
    if today != _clean_day or len(_clean) > 50_000:
        _clean.clear()
        _clean_day = today
    if digest in _clean:
        return []
    findings = _findings(field, text)
    if not findings:
        _clean.add(digest)
    return findings


def _findings(field: str, text: str) -> list[Finding]:
    runs = _digit_runs(text)
    candidates = (_personnummer(text, runs) + _phones(text, runs) + _addresses(text, runs) + _plates(text)
                  + _names(text))
    if field != "contact":
        candidates += _emails(text)
    spans = _resolve(candidates)
    ends = [e for _, e, _ in spans]
    return [Finding(field, s, e, kind, SEVERITY[kind], _excerpt(text, s, e, spans, ends)) for s, e, kind in spans]


def check_example(content: Mapping, comment: str = "") -> list[Finding]:
    """Findings in every free-text field of an example, then in the edit comment (field `comment`).

    Fields in order: title, summary, body, contact, each item of target_groups and tags
    (`target_groups[0]` …), comment. Missing fields and values that are not text are skipped.
    """
    findings: list[Finding] = []
    for field in TEXT_FIELDS:
        value = content.get(field)
        if isinstance(value, str):
            findings += check_text(field, value)
    for field in LIST_FIELDS:
        items = content.get(field)
        if isinstance(items, (list, tuple)):
            for index, item in enumerate(items):
                if isinstance(item, str):
                    findings += check_text(f"{field}[{index}]", item)
    if isinstance(comment, str) and comment:
        findings += check_text("comment", comment)
    return findings
