"""The identification check (events/identification.py): what it finds, what it leaves alone.

All data is invented: personnummer are generated with a valid check digit for made-up dates
and serial numbers, names and addresses are common ones, plates and phone numbers made up.
"""

import pytest

from events.identification import (
    AMBIGUOUS_GIVEN_NAMES, BLOCK, WARN, Finding, check_example, check_text, given_names,
)

pytestmark = pytest.mark.store_independent

MASK = "\u2587"


def luhn(digits: str) -> str:
    total = 0
    for i, ch in enumerate(digits):
        v = int(ch) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return str((10 - total % 10) % 10)


def pnr(yymmdd: str, serial: str = "384", sep: str = "-", century: str = "") -> str:
    """A number with a valid check digit for an invented date and serial."""
    return f"{century}{yymmdd}{sep}{serial}{luhn(yymmdd + serial)}"


def wrong_check(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def org_number(nine: str) -> str:
    return f"{nine[:6]}-{nine[6:]}{luhn(nine)}"


P10 = pnr("850317")
P10_PLUS = pnr("120704", sep="+")
P10_BARE = pnr("920611", sep="")
P12 = pnr("730922", century="19")
P12_BARE = pnr("010203", sep="", century="20")
S10 = pnr("910377")            # samordningsnummer: 17 March + 60
S12 = pnr("880471", century="19")
P_DASH = pnr("640829", sep="\u2013")


def only(text: str, field: str = "body") -> Finding:
    findings = check_text(field, text)
    assert len(findings) == 1, findings
    return findings[0]


def assert_masked(finding: Finding, text: str) -> None:
    found = text[finding.start:finding.end]
    assert found not in finding.excerpt
    assert MASK in finding.excerpt


# --------------------------------------------------------------------------------------
# Positives: each finds exactly the identifying text
# --------------------------------------------------------------------------------------

POSITIVES = [
    # (text, found text, kind)
    (f"Kvinnan heter {P10} och bor i Falun.", P10, "personnummer"),
    (f"Född {P10_PLUS}, alltså över hundra år.", P10_PLUS, "personnummer"),
    (f"pnr {P10_BARE} i journalen", P10_BARE, "personnummer"),
    (f"Personnummer: {P12}.", P12, "personnummer"),
    (f"({P12_BARE})", P12_BARE, "personnummer"),
    (f"Hennes nummer {P_DASH} stod i anmälan.", P_DASH, "personnummer"),
    (f"Samordningsnummer {S10} användes.", S10, "samordningsnummer"),
    (f"Han har samordningsnummer {S12}.", S12, "samordningsnummer"),
    ("Ring 070-123 45 67 efter klockan fem.", "070-123 45 67", "phone"),
    ("Mobil: +46 70 123 45 67", "+46 70 123 45 67", "phone"),
    ("Hon nås på 023-123 45 på dagtid.", "023-123 45", "phone"),
    ("Ring 08-123 456 78.", "08-123 456 78", "phone"),
    ("tfn 0243-123 45", "0243-123 45", "phone"),
    ("Ring 0046 70 123 45 67 i stället.", "0046 70 123 45 67", "phone"),
    ("Växel (08) 123 456 78", "(08) 123 456 78", "phone"),
    ("direkt 010-123 45 67", "010-123 45 67", "phone"),
    ("Skriv till anna.lindqvist@example.se om du vill.", "anna.lindqvist@example.se", "email"),
    ("mejla kontakt+stod@kvinnojour.example.org.", "kontakt+stod@kvinnojour.example.org", "email"),
    ("Hon bor på Åsgatan 38 i Falun.", "Åsgatan 38", "address"),
    ("Adressen är Storgatan 5 B, två trappor.", "Storgatan 5 B", "address"),
    ("Mötet hölls på Stora Torget 3.", "Stora Torget 3", "address"),
    ("Hon flyttade till Vasavägen 12A förra året.", "Vasavägen 12A", "address"),
    ("vid Drottning Kristinas väg 12 i Falun", "Drottning Kristinas väg 12", "address"),
    ("Kyrkogränd 4 är adressen.", "Kyrkogränd 4", "address"),
    ("hemma på Björkstigen 7", "Björkstigen 7", "address"),
    ("Lägenheten på Kungsbacken 2 var hennes.", "Kungsbacken 2", "address"),
    ("på Lindallén 9 bodde de", "Lindallén 9", "address"),
    ("S:t Eriksgatan 5-7 i Stockholm", "S:t Eriksgatan 5-7", "address"),
    ("Postadress 791 72 Falun.", "791 72 Falun", "address"),
    ("Box 123, 79172 Falun", "79172 Falun", "address"),
    ("Bilen har registreringsnummer ABC 123.", "ABC 123", "registration"),
    ("En bil, XYZ999, stod utanför.", "XYZ999", "registration"),
    ("Den nya skylten ABC 12D syntes.", "ABC 12D", "registration"),
    ("Anna Repro berättade om sitt arbete.", "Anna Repro", "name"),
    ("Handläggaren Maria Lindqvist ringde.", "Maria Lindqvist", "name"),
    ("Vi träffade fru Berg i går.", "Berg", "name"),
    ("Herr Ekholm kom inte.", "Ekholm", "name"),
    ("Samtalet leddes av Anna-Karin Larsson-Berg i Borlänge.", "Anna-Karin Larsson-Berg", "name"),
    ("Tolken Mohammed Ali Hassan deltog.", "Mohammed Ali Hassan", "name"),
    ("Per Andersson ledde gruppen.", "Per Andersson", "name"),
    ("Sedan kom Bo Nilsson till mötet.", "Bo Nilsson", "name"),
    ("Fatima Yusuf var kontaktperson.", "Fatima Yusuf", "name"),
    ("Enligt Jukka Virtanen fungerade det.", "Jukka Virtanen", "name"),
    ("under Lars Svenssons ledning", "Lars Svenssons", "name"),
]


@pytest.mark.parametrize("text,found,kind", POSITIVES, ids=[f"{k}:{f}" for _, f, k in POSITIVES])
def test_finds_identifying_detail(text, found, kind):
    finding = only(text)
    assert text[finding.start:finding.end] == found
    assert (finding.start, finding.end) == (text.index(found), text.index(found) + len(found))
    assert finding.kind == kind
    assert finding.severity == (BLOCK if kind in ("personnummer", "samordningsnummer") else WARN)
    assert finding.field == "body"
    assert_masked(finding, text)


def test_excerpt_keeps_context_and_masks_the_finding():
    text = f"Kvinnan heter {P10} och bor i Falun."
    assert only(text).excerpt == f"Kvinnan heter {MASK * 6}-{MASK * 4} och bor i Falun."
    long_text = "Ett två tre fyra fem sex sju åtta nio tio elva tolv Anna Lindqvist tretton fjorton femton " \
                "sexton sjutton arton nitton tjugo"
    excerpt = only(long_text).excerpt
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert "tolv ▇▇▇▇ ▇▇▇▇▇▇▇▇▇ tretton" in excerpt
    assert "Lindqvist" not in excerpt


def test_excerpt_masks_neighbouring_findings_too():
    text = f"Anna Lindqvist, {P10}, 070-123 45 67, Åsgatan 38."
    findings = check_text("body", text)
    assert [f.kind for f in findings] == ["name", "personnummer", "phone", "address"]
    for finding in findings:
        for other in findings:
            assert text[other.start:other.end] not in finding.excerpt


def test_excerpt_is_one_line():
    text = "Rubrik\n\nHon heter\nAnna Lindqvist\n\noch bor här."
    excerpt = only(text).excerpt
    assert "\n" not in excerpt and excerpt == "Rubrik Hon heter ▇▇▇▇ ▇▇▇▇▇▇▇▇▇ och bor här."


# --------------------------------------------------------------------------------------
# Negatives: look-alikes that are not identifying
# --------------------------------------------------------------------------------------

NEGATIVES = [
    # organisation numbers: the month is 20 or more
    "Länsstyrelsen har organisationsnummer 202100-2114.",
    f"Föreningens organisationsnummer är {org_number('802456789')}.",
    f"Bolaget {org_number('556677889')} fakturerar.",
    "org.nr 16202100-2114",
    # years, dates, periods
    "Under 2019 och 2020 ökade antalet anmälningar.",
    "Beslutet fattades 2024-03-15 av nämnden.",
    "Mötet 15.03.2024 och 20240315 i protokollet.",
    "Projektet pågick 2022–2024.",
    "Projektet pågick 2022-2024 och 2019 - 2023.",
    "| 2019 | 38 | 4 | 21 |",
    "Handlingsplanen 2024–2027 antogs.",
    # sums of money
    "Projektet kostade 1 250 000 kr.",
    "Stödet var 850101 kronor.",
    f"Budgeten var {P10_BARE} kr.",
    "Kommunen bidrog med 45 000-50 000 kronor, SEK 250 per deltagare.",
    # laws, reports, case numbers
    "Enligt SFS 2018:1197 gäller barnkonventionen som lag.",
    "Se SOU 2014:49 och Prop. 2020/21:150.",
    "Dnr 2023-1234 och Bg 900-8004.",
    "ISBN 978-91-7331-123-4",
    # numbers inside longer runs, wrong check digits, impossible dates
    f"Ärende 7{P10_BARE} i systemet.",
    f"Referens {P10_BARE}5 i systemet.",
    f"Löpnummer {P10}-7 i registret.",
    f"Fel siffra: {wrong_check(P10)}.",
    f"Datumet finns inte: {pnr('851332')} eller {pnr('850230')}.",
    f"Ett datum i framtiden: {pnr('991231', century='20')}.",
    # public short numbers and national lines
    "Ring 112 vid akut fara.",
    "Sjukvårdsrådgivning på 1177.",
    "Polisen nås på 114 14.",
    "Brottsofferjourens stödlinje 116 006 och BRIS 116 111.",
    "Kvinnofridslinjen 020-50 50 50 är öppen dygnet runt.",
    "Tjejjouren 0200-23 23 23 och myndighetens nationella nummer 0771-25 03 00.",
    "Betalsamtal till 0900-123 45 67.",
    "Öppet 08.30-12.00 och 13.00–16.00.",
    # acronyms with numbers
    "Ledningssystemet följer ISO 9001.",
    "Enligt LVU 11 § och SoL 5 kap. 11 §.",
    "BRÅ 2024 redovisade siffrorna, liksom SFS 2018.",
    "KBT 123 gånger, BUP 120 remisser.",
    "abc 123 och Abc 123",
    # given-name-like words and organisations
    "Per år kommer omkring 40 kvinnor till jouren.",
    "Bo Tryggt i Falun är ett projekt för äldre.",
    "Liv och hälsa i Dalarna.",
    "Per Capita räknat är kostnaden låg.",
    "Hans Majestät Konungen besökte Falun.",
    "Rosa Bandet och Rädda Barnen samarbetar med Kvinnofridslinjen.",
    "Ungdomarna hänvisades till Maria Ungdom i Stockholm.",
    "Domen från Svea Hovrätt överklagades inte.",
    "Barnet vårdades på Astrid Lindgrens barnsjukhus.",
    "Vi besökte Carl Larsson-gården i Sundborn.",
    "Kontoret ligger vid Erik Dahlbergsgatan.",
    "Anna berättade om sitt arbete för Region Dalarna.",
    "Samverkan med Maria BUP och Karl XII.",
    # streets without a house number and other numbered things
    "Handlingsplan 2 beskriver rutinen.",
    "Riksväg 70 stängdes av olyckan.",
    "Mötet är i Stadshuset plan 3.",
    "Plan 2 i huset och Torget 3 i spelet.",
    # other
    "Barn 0-18 år och unga 16-25 år.",
    "Följ oss på @kvinnojouren.",
    "Under 2023 sökte 125 kvinnor stöd, 12 345 samtal.",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_look_alikes_alone(text):
    assert check_text("body", text) == []


def test_counts_of_cases():
    assert len(POSITIVES) >= 40 and len(NEGATIVES) >= 40


# --------------------------------------------------------------------------------------
# Decisions and the API
# --------------------------------------------------------------------------------------


def test_mobile_number_that_is_also_a_valid_personnummer_counts_as_personnummer():
    number = pnr("070123", serial="456", sep="")   # also a personnummer: 2007-01-23
    finding = only(f"Ring {number}.")
    assert finding.kind == "personnummer" and finding.severity == BLOCK
    assert only(f"Ring {wrong_check(number)}.").kind == "phone"


def test_email_in_contact_field_is_not_a_finding_but_elsewhere_it_is():
    assert check_text("contact", "kvinnofrid@falun.example") == []
    assert [f.kind for f in check_text("summary", "kvinnofrid@falun.example")] == ["email"]
    assert [f.kind for f in check_text("contact", "Anna Lindqvist, 070-123 45 67")] == ["name", "phone"]


def test_a_text_found_clean_in_contact_is_still_checked_in_another_field():
    text = "Frågor till samordnaren@lansgrupp.example, varje tisdag."
    for _ in range(2):  # the second time the contact field's clean text is remembered
        assert check_text("contact", text) == []
        assert [f.kind for f in check_text("body", text)] == ["email"]



def test_ambiguous_given_name_at_sentence_start_needs_a_surname():
    assert {"Per", "Bo", "Liv", "Hans", "Saga"} <= AMBIGUOUS_GIVEN_NAMES
    assert check_text("body", "Saga Dalarna är en förening.") == []
    assert [f.kind for f in check_text("body", "Saga Lindqvist är ordförande.")] == ["name"]
    assert [f.kind for f in check_text("body", "Vi talade med Saga Dalarna.")] == ["name"]
    assert check_text("body", "- Bo Tryggt\n- Liv Falun") == []


def test_overlapping_candidates_give_one_finding():
    text = "Hon bodde på Anna Lindhs gata 5 och fru Anna Svensson kom."
    findings = check_text("body", text)
    assert [(text[f.start:f.end], f.kind) for f in findings] == [
        ("Anna Lindhs gata 5", "address"), ("Anna Svensson", "name")]


def test_check_example_covers_every_free_text_field_in_order():
    content = {
        "title": "Samverkan med Anna Lindqvist",
        "summary": "Ring 070-123 45 67.",
        "body": f"Hon heter {P10}.\n\nSkriv till a.b@example.se.",
        "contact": "kvinnofrid@falun.example, 023-123 45",
        "target_groups": ["våldsutsatta kvinnor", "boende på Åsgatan 38"],
        "tags": ["samverkan", "ABC 123"],
        "organisations": ["falu-kommun"],
        "period": {"start_year": 2019, "end_year": 2021},
        "evaluation": None,
    }
    findings = check_example(content, comment="Rättade efter samtal med Maria Berg")
    assert [(f.field, f.kind) for f in findings] == [
        ("title", "name"), ("summary", "phone"), ("body", "personnummer"), ("body", "email"),
        ("contact", "phone"), ("target_groups[1]", "address"), ("tags[1]", "registration"), ("comment", "name"),
    ]
    item = content["target_groups"][1]
    address = findings[5]
    assert item[address.start:address.end] == "Åsgatan 38"
    assert findings[2].severity == BLOCK
    assert all(f.severity == WARN for f in findings if f.kind != "personnummer")


def test_check_example_skips_missing_and_non_text_values():
    assert check_example({}) == []
    assert check_example({"title": None, "body": 12, "tags": None, "target_groups": ["Anna Lindqvist", 3]}) == [
        check_text("target_groups[0]", "Anna Lindqvist")[0]]


def test_finding_as_dict_has_the_contract_keys():
    finding = only(f"Kvinnan heter {P10}.")
    assert finding.as_dict() == {"field": "body", "start": 14, "end": 25, "kind": "personnummer",
                                 "severity": "block", "excerpt": finding.excerpt}


def test_findings_are_sorted_and_never_overlap():
    text = f"{P12} Anna Lindqvist ABC 123 070-123 45 67 Storgatan 5 791 72 Falun x@y.se herr Ek"
    findings = check_text("body", text)
    spans = [(f.start, f.end) for f in findings]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert {f.kind for f in findings} == {"personnummer", "name", "registration", "phone", "address", "email"}


def test_the_shipped_name_list_loads():
    names = given_names()
    assert len(names) > 800
    assert {"Anna", "Lars", "Maria", "Erik", "Mohammed", "Fatima", "Jukka", "Zeynep", "Agnieszka"} <= names
    assert not any(name.startswith("#") or name != name.strip() for name in names)
