"""Deterministic generator of Swedish learning examples (lärande exempel) for search benchmarks.

The documents look like the county group's real examples (see wiki/demo_examples.py) but
are built from sentence templates whose slots are filled from word lists, so that a corpus
of any size has natural Swedish text: å, ä and ö, inflected forms (kvinna, kvinnor,
kvinnorna), many compounds (kvinnojouren, skyddsplan, riskbedömning), numbers and years,
and a long tail of rare words (villages in Dalarna, invented project names, domain terms).
All organisations' practices, figures and mailboxes are invented; no person is named.

    from bench.corpus import generate
    docs = generate(10_000, seed=42, words=300)

Run it directly for a self-check and two sample documents:

    python3 bench/corpus.py

or to write COUNT examples as a file for `flask --app wiki examples import`:

    python3 bench/corpus.py --jsonl FILE COUNT
"""

from __future__ import annotations

import random
import re
import sys
from bisect import bisect

__all__ = ["generate"]


# --------------------------------------------------------------------------------------
# Weighted (Zipf-like) word lists
# --------------------------------------------------------------------------------------


class Z:
    """A list whose items are drawn with Zipf-like weights: the first items are common."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items, s: float = 1.0):
        self.items = list(items)
        cum, acc = [], 0.0
        for i in range(len(self.items)):
            acc += 1.0 / (i + 1) ** s
            cum.append(acc)
        self.cum, self.total = cum, acc

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


def weighted(rng: random.Random, weights: dict, k: int) -> list:
    """k distinct keys of `weights`, drawn in proportion to their weights (dict order)."""
    pool = dict(weights)
    out = []
    for _ in range(min(k, len(pool))):
        total = sum(pool.values())
        r = rng.random() * total
        for key, w in pool.items():
            r -= w
            if r <= 0:
                break
        out.append(key)
        del pool[key]
    return out


def fold(text: str) -> str:
    """ASCII slug for mailboxes: 'Ljusbron' -> 'ljusbron', 'Älvdalen' -> 'alvdalen'."""
    text = text.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


# --------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------

MUNICIPALITIES = [
    "Avesta", "Borlänge", "Falun", "Gagnef", "Hedemora", "Leksand", "Ludvika", "Malung-Sälen",
    "Mora", "Orsa", "Rättvik", "Smedjebacken", "Säter", "Vansbro", "Älvdalen",
]
# Rough weights by population: larger municipalities run more of the examples.
MUNI_WEIGHT = {
    "Falun": 9, "Borlänge": 8, "Mora": 4, "Ludvika": 4, "Avesta": 3.5, "Leksand": 2.5,
    "Hedemora": 2.5, "Rättvik": 2, "Säter": 1.8, "Gagnef": 1.6, "Smedjebacken": 1.6,
    "Malung-Sälen": 1.6, "Orsa": 1.2, "Älvdalen": 1.1, "Vansbro": 1,
}

# Villages and districts per municipality: the rare place names of the corpus.
VILLAGES = {
    "Avesta": ["Krylbo", "Horndal", "Fors", "Karlbo", "Folkärna", "Grytnäs", "Bjurfors"],
    "Borlänge": ["Tjärna ängar", "Domnarvet", "Kvarnsveden", "Ornäs", "Torsång", "Jakobsgårdarna", "Hagalund", "Idkerberget", "Repbäcken"],
    "Falun": ["Grycksbo", "Svärdsjö", "Sundborn", "Bjursås", "Enviken", "Vika", "Sågmyra", "Aspeboda", "Linghed", "Vintjärn", "Slätta", "Hosjö"],
    "Gagnef": ["Mockfjärd", "Djurås", "Björbo", "Dala-Floda", "Bäsna", "Gagnefsbyn", "Sifferbo"],
    "Hedemora": ["Långshyttan", "Vikmanshyttan", "Dala-Husby", "Garpenberg", "Stjärnsund", "Norns bruk"],
    "Leksand": ["Insjön", "Siljansnäs", "Djura", "Tällberg", "Ullvi", "Ål", "Västanvik"],
    "Ludvika": ["Grängesberg", "Fredriksberg", "Nyhammar", "Blötberget", "Gonäs", "Sunnansjö", "Säfsnäs"],
    "Malung-Sälen": ["Sälen", "Transtrand", "Lima", "Malungsfors", "Öje", "Yttermalung", "Rörbäcksnäs"],
    "Mora": ["Sollerön", "Venjan", "Våmhus", "Nusnäs", "Färnäs", "Vinäs", "Bonäs", "Östnor", "Oxberg", "Selja"],
    "Orsa": ["Skattungbyn", "Hansjö", "Kallmora", "Mässbacken", "Fryksås"],
    "Rättvik": ["Furudal", "Boda", "Vikarbyn", "Bingsjö", "Dalby", "Backa", "Östbjörka"],
    "Smedjebacken": ["Söderbärke", "Vad", "Hagge", "Morgårdshammar", "Västerbarkhyttan"],
    "Säter": ["Gustafs", "Stora Skedvi", "Enbacka", "Mora by", "Bispberg"],
    "Vansbro": ["Dala-Järna", "Äppelbo", "Nås", "Järna", "Skamhed"],
    "Älvdalen": ["Idre", "Särna", "Evertsberg", "Åsen", "Rot", "Loka", "Brunnsvallen", "Blyberg"],
}
ALL_VILLAGES = Z([v for m in MUNICIPALITIES for v in VILLAGES[m]], 0.6)

# slug: (display name, kind, email domain, home municipality)
ORGS = {
    "lansstyrelsen-dalarna": ("Länsstyrelsen Dalarna", "lansstyrelse", "lansstyrelsen-dalarna", None),
    "region-dalarna": ("Region Dalarna", "region", "regiondalarna", None),
    "hogskolan-dalarna": ("Högskolan Dalarna", "hogskola", "hogskolan-dalarna", "Falun"),
    "arbetsformedlingen": ("Arbetsförmedlingen", "arbetsformedling", "arbetsformedlingen", None),
    "migrationsverket": ("Migrationsverket", "migration", "migrationsverket", None),
    "aklagarkammaren-falun": ("Åklagarkammaren i Falun", "aklagare", "aklagarmyndigheten", "Falun"),
    "kriminalvarden": ("Kriminalvården", "kriminalvard", "kriminalvarden", None),
    "polismyndigheten": ("Polisen", "polis", "polisen", None),
    "avesta-kommun": ("Avesta kommun", "kommun", "avesta", "Avesta"),
    "borlange-kommun": ("Borlänge kommun", "kommun", "borlange", "Borlänge"),
    "falu-kommun": ("Falu kommun", "kommun", "falun", "Falun"),
    "gagnefs-kommun": ("Gagnefs kommun", "kommun", "gagnef", "Gagnef"),
    "hedemora-kommun": ("Hedemora kommun", "kommun", "hedemora", "Hedemora"),
    "leksands-kommun": ("Leksands kommun", "kommun", "leksand", "Leksand"),
    "ludvika-kommun": ("Ludvika kommun", "kommun", "ludvika", "Ludvika"),
    "malung-salens-kommun": ("Malung-Sälens kommun", "kommun", "malung-salen", "Malung-Sälen"),
    "mora-kommun": ("Mora kommun", "kommun", "mora", "Mora"),
    "orsa-kommun": ("Orsa kommun", "kommun", "orsa", "Orsa"),
    "rattviks-kommun": ("Rättviks kommun", "kommun", "rattvik", "Rättvik"),
    "smedjebackens-kommun": ("Smedjebackens kommun", "kommun", "smedjebacken", "Smedjebacken"),
    "saters-kommun": ("Säters kommun", "kommun", "sater", "Säter"),
    "vansbro-kommun": ("Vansbro kommun", "kommun", "vansbro", "Vansbro"),
    "alvdalens-kommun": ("Älvdalens kommun", "kommun", "alvdalen", "Älvdalen"),
    "kvinnojourerna-i-dalarna": ("Kvinnojourerna i Dalarna", "kvinnojour", "kvinnojourerna-dalarna", None),
    "brottsofferjouren-dalarna": ("Brottsofferjouren Dalarna", "brottsofferjour", "brottsofferjouren-dalarna", None),
    "radda-barnen-dalarna": ("Rädda Barnen Dalarna", "ideell", "raddabarnen-dalarna", None),
    "barnahus-dalarna": ("Barnahus Dalarna", "barnahus", "barnahus-dalarna", None),
}
MUNI_ORG = {muni: slug for slug, (_, kind, _, muni) in ORGS.items() if kind == "kommun"}

OWNER_WEIGHT = {slug: (MUNI_WEIGHT[v[3]] if v[1] == "kommun" else 0) for slug, v in ORGS.items()}
OWNER_WEIGHT.update({
    "lansstyrelsen-dalarna": 6, "region-dalarna": 8, "hogskolan-dalarna": 2.5, "arbetsformedlingen": 1.5,
    "migrationsverket": 1.5, "aklagarkammaren-falun": 1.2, "kriminalvarden": 2, "polismyndigheten": 5,
    "kvinnojourerna-i-dalarna": 6, "brottsofferjouren-dalarna": 3, "radda-barnen-dalarna": 2.5,
    "barnahus-dalarna": 3,
})

# Units (definite form) that do the work inside each kind of organisation.
UNITS = {
    "kommun": ["socialtjänsten", "individ- och familjeomsorgen", "kvinnofridsteamet", "familjecentralen",
               "elevhälsan", "äldreomsorgen", "enheten för ekonomiskt bistånd", "barn- och ungdomsenheten",
               "socialjouren", "mottagningsenheten", "funktionsstödsförvaltningen", "fritidsverksamheten",
               "vuxenenheten", "integrationsenheten"],
    "region": ["kvinnofridsmottagningen", "ungdomsmottagningen", "mödrahälsovården", "barn- och ungdomspsykiatrin",
               "akutmottagningen", "vårdcentralen", "kvinnokliniken", "vuxenpsykiatrin", "folktandvården",
               "barnhälsovården", "beroendevården"],
    "lansstyrelse": ["länsstyrelsens samordningsfunktion", "kompetensteamet mot hedersrelaterat våld",
                     "länsgruppen", "enheten för social hållbarhet"],
    "hogskola": ["forskargruppen för välfärd och våld", "socionomprogrammet", "sjuksköterskeprogrammet",
                 "lärarutbildningen"],
    "arbetsformedling": ["den lokala arbetsförmedlingen", "etableringsenheten", "arbetsförmedlarna"],
    "migration": ["mottagningsenheten", "asylprövningsenheten", "boendeenheten"],
    "aklagare": ["åklagarkammaren", "åklagarna"],
    "kriminalvard": ["frivården", "anstalten", "programverksamheten", "frivårdskontoret"],
    "polis": ["lokalpolisområdet", "brottsofferhandläggarna", "utredningsgruppen för brott i nära relation",
              "ingripandeverksamheten", "polisens brottsoffersamordnare"],
    "kvinnojour": ["kvinnojouren", "det skyddade boendet", "jourens stödlinje", "tjejjouren"],
    "brottsofferjour": ["brottsofferjouren", "vittnesstödet", "stödpersonerna"],
    "ideell": ["lokalföreningen", "föräldraskapsstödet", "samtalsstödet för barn"],
    "barnahus": ["barnahuset", "samrådsteamet", "barnahusets kuratorer"],
}
COMMON_UNITS = ["socialtjänsten", "polisen", "skolan", "vården", "kvinnojouren", "elevhälsan", "frivården"]

DECIDERS = {
    "kommun": ["socialnämnden", "kommunstyrelsen", "kommunfullmäktige"],
    "region": ["regionstyrelsen", "hälso- och sjukvårdsnämnden"],
}

MEASURE_WEIGHT = {
    "kommun": {"stod": 3, "samverkan": 3, "utbildning": 2, "forebyggande-insats": 2, "riskbedomning": 2,
               "information": 1.5, "behandling": 1, "datainsamling": 0.7},
    "region": {"stod": 3, "utbildning": 2, "riskbedomning": 1, "samverkan": 1.5, "information": 1,
               "datainsamling": 1, "forebyggande-insats": 1, "behandling": 0.5},
    "lansstyrelse": {"utbildning": 3, "samverkan": 3, "datainsamling": 2, "information": 2, "forebyggande-insats": 1.5},
    "hogskola": {"datainsamling": 3, "utbildning": 3, "samverkan": 1},
    "arbetsformedling": {"samverkan": 2, "stod": 2, "information": 2, "utbildning": 1.5},
    "migration": {"information": 3, "stod": 2, "samverkan": 2, "utbildning": 1.5},
    "aklagare": {"samverkan": 3, "riskbedomning": 2, "utbildning": 1},
    "kriminalvard": {"behandling": 4, "riskbedomning": 2, "samverkan": 1},
    "polis": {"riskbedomning": 3, "samverkan": 3, "information": 1, "utbildning": 1, "stod": 1},
    "kvinnojour": {"stod": 4, "information": 2, "forebyggande-insats": 2, "samverkan": 1.5, "utbildning": 1},
    "brottsofferjour": {"stod": 4, "information": 2, "samverkan": 2},
    "ideell": {"forebyggande-insats": 3, "stod": 2, "information": 2, "utbildning": 1},
    "barnahus": {"samverkan": 4, "stod": 2, "utbildning": 1.5, "riskbedomning": 1},
}

GOAL_OF_MEASURE = {
    "forebyggande-insats": ["forebyggande"],
    "stod": ["upptackt-skydd-stod"],
    "utbildning": ["kunskap-metod", "upptackt-skydd-stod"],
    "samverkan": ["upptackt-skydd-stod", "brottsbekampning", "kunskap-metod"],
    "riskbedomning": ["upptackt-skydd-stod", "brottsbekampning"],
    "behandling": ["forebyggande", "brottsbekampning"],
    "datainsamling": ["kunskap-metod"],
    "information": ["forebyggande", "upptackt-skydd-stod"],
}

VIOLENCE_WEIGHT = {"nara-relation": 6, "hedersrelaterat": 2.5, "prostitution-sexualiserat": 1.6}

# Phrases for each form of violence: running text, and short forms for titles.
VF_TEXT = {
    "nara-relation": Z(["våld i nära relation", "mäns våld mot kvinnor", "våld i nära relationer", "partnervåld",
                        "psykiskt och fysiskt våld", "våld i hemmet", "ekonomiskt våld", "digitalt våld",
                        "kontrollerande beteende", "våld och hot i familjen"], 0.9),
    "hedersrelaterat": Z(["hedersrelaterat våld och förtryck", "hedersrelaterat våld", "hedersförtryck",
                          "barnäktenskap och tvångsäktenskap", "könsstympning", "tvångsäktenskap",
                          "hedersrelaterad brottslighet"], 0.9),
    "prostitution-sexualiserat": Z(["sexualiserat våld", "prostitution och människohandel", "sexuellt våld",
                                    "människohandel för sexuella ändamål", "sexuell exploatering av unga",
                                    "våldtäkt", "prostitution"], 0.9),
}
VF_TITLE = {
    "nara-relation": Z(["våld i nära relation", "mäns våld mot kvinnor", "partnervåld", "relationsvåld",
                        "ekonomiskt våld", "digitalt våld", "våld i hemmet"], 0.8),
    "hedersrelaterat": Z(["hedersrelaterat våld", "hedersförtryck", "barnäktenskap", "könsstympning",
                          "tvångsäktenskap", "hedersrelaterat våld och förtryck"], 0.8),
    "prostitution-sexualiserat": Z(["sexualiserat våld", "prostitution", "människohandel", "sexuell exploatering",
                                    "våldtäkt", "sexuellt våld"], 0.8),
}

# Target groups: label -> (plural phrases, definite form, singular indefinite, victim group?)
TARGETS = {
    "våldsutsatta kvinnor": (["våldsutsatta kvinnor", "kvinnor som utsatts för våld", "kvinnor som lever med våld"],
                             "de våldsutsatta kvinnorna", "en våldsutsatt kvinna", True),
    "barn": (["barn", "barn som upplevt våld", "barn och unga"], "barnen", "ett barn", True),
    "våldsutövare": (["våldsutövare", "män som utövar våld", "män som utövat våld i nära relation"],
                     "våldsutövarna", "en våldsutövare", False),
    "yrkesverksamma": (["yrkesverksamma", "medarbetare", "yrkesverksamma inom vård och omsorg"],
                       "de yrkesverksamma", "en medarbetare", False),
    "unga": (["unga", "ungdomar", "unga i gymnasieåldern"], "ungdomarna", "en ungdom", True),
    "äldre": (["äldre", "äldre kvinnor", "äldre våldsutsatta"], "de äldre", "en äldre kvinna", True),
    "nyanlända": (["nyanlända", "nyanlända kvinnor", "asylsökande kvinnor"], "de nyanlända", "en nyanländ kvinna", True),
    "allmänheten": (["invånare", "grannar och anhöriga", "invånare i alla åldrar"], "invånarna", "en invånare", False),
    "personer som säljer sex": (["personer som säljer sex", "personer med erfarenhet av prostitution"],
                                "de som säljer sex", "en person som säljer sex", True),
    "kvinnor med funktionsnedsättning": (["kvinnor med funktionsnedsättning", "kvinnor med intellektuell funktionsnedsättning"],
                                         "kvinnorna med funktionsnedsättning", "en kvinna med funktionsnedsättning", True),
    "föräldrar": (["föräldrar", "vårdnadshavare", "blivande föräldrar"], "föräldrarna", "en förälder", False),
    "hbtqi-personer": (["hbtqi-personer", "unga hbtqi-personer"], "hbtqi-personerna", "en hbtqi-person", True),
}
TARGET_WEIGHT = {
    "våldsutsatta kvinnor": 6, "barn": 4, "yrkesverksamma": 4, "unga": 2.5, "våldsutövare": 1.5,
    "allmänheten": 1.5, "nyanlända": 1.2, "äldre": 1, "föräldrar": 1, "personer som säljer sex": 0.5,
    "kvinnor med funktionsnedsättning": 0.7, "hbtqi-personer": 0.5,
}
TARGET_BOOST = {
    "behandling": {"våldsutövare": 12},
    "utbildning": {"yrkesverksamma": 10},
    "datainsamling": {"yrkesverksamma": 6},
    "information": {"allmänheten": 6, "nyanlända": 1.5},
    "forebyggande-insats": {"unga": 5, "föräldrar": 1.5},
    "stod": {"våldsutsatta kvinnor": 5, "barn": 3},
    "riskbedomning": {"våldsutsatta kvinnor": 5},
    "hedersrelaterat": {"unga": 4, "nyanlända": 3, "barn": 2},
    "prostitution-sexualiserat": {"personer som säljer sex": 7, "unga": 2},
}

STAFF = Z([
    ("socialsekreterare", "en socialsekreterare"), ("handläggare", "en handläggare"), ("kuratorer", "en kurator"),
    ("poliser", "en polis"), ("lärare", "en lärare"), ("barnmorskor", "en barnmorska"),
    ("skolsköterskor", "en skolsköterska"), ("sjuksköterskor", "en sjuksköterska"), ("läkare", "en läkare"),
    ("familjebehandlare", "en familjebehandlare"), ("biståndshandläggare", "en biståndshandläggare"),
    ("undersköterskor", "en undersköterska"), ("jourvolontärer", "en jourvolontär"), ("förskollärare", "en förskollärare"),
    ("fritidsledare", "en fritidsledare"), ("psykologer", "en psykolog"), ("enhetschefer", "en enhetschef"),
    ("rektorer", "en rektor"), ("boendestödjare", "en boendestödjare"), ("frivårdsinspektörer", "en frivårdsinspektör"),
    ("brottsofferhandläggare", "en brottsofferhandläggare"), ("integrationshandläggare", "en integrationshandläggare"),
    ("arbetsförmedlare", "en arbetsförmedlare"), ("åklagare", "en åklagare"), ("tandläkare", "en tandläkare"),
    ("barnsjuksköterskor", "en barnsjuksköterska"), ("kontaktpersoner", "en kontaktperson"),
    ("studie- och yrkesvägledare", "en studie- och yrkesvägledare"), ("hemtjänstpersonal", "en medarbetare i hemtjänsten"),
    ("behandlingsassistenter", "en behandlingsassistent"), ("samhällsvägledare", "en samhällsvägledare"),
    ("kommunikatörer", "en kommunikatör"), ("utredare", "en utredare"), ("bostadssamordnare", "en bostadssamordnare"),
    ("elevassistenter", "en elevassistent"), ("tolkar", "en tolk"),
], 0.8)

ARENAS = Z([
    "i skolan", "på vårdcentralen", "på ungdomsmottagningen", "på familjecentralen", "inom äldreomsorgen",
    "på fritidsgården", "i förskolan", "inom hemtjänsten", "på gymnasieskolan", "på mödravårdscentralen",
    "på akutmottagningen", "på biblioteket", "inom SFI", "inom LSS-verksamheten", "i folktandvården",
    "på asylboendet", "i idrottsföreningarna", "på arbetsförmedlingen", "i församlingen", "på öppna förskolan",
    "inom missbruksvården", "på boendet för ensamkommande", "i studieförbunden", "på apoteket",
], 0.9)

TOPICS = Z([
    "bemötande av våldsutsatta", "frågor om våld", "strukturerad riskbedömning", "skyddsplanering",
    "barnperspektivet", "hedersnormer", "digitalt våld", "sekretess och informationsdelning",
    "traumamedvetet bemötande", "våldets normaliseringsprocess", "dokumentation av skador",
    "orosanmälningar", "våld mot äldre", "ekonomiskt våld", "samtal med barn", "maskulinitetsnormer",
    "samtycke och gränser", "kontaktförbud", "stalkning", "eftervåld vid separation",
    "våld i samkönade relationer", "tvångsäktenskap och utlandsresor", "könsstympning och vårdens ansvar",
    "sexuell exploatering på nätet", "tolkanvändning", "vårdnadstvister och umgänge",
    "skyddat boende", "våldsutövarens ansvar", "suicidrisk vid våldsutsatthet", "psykisk ohälsa och våld",
], 0.9)

FACTORS = Z([
    "ledningens stöd", "tydliga rutiner", "fasta mötestider", "en utsedd samordnare hos varje part",
    "kontinuerlig handledning", "långsiktig finansiering", "korta beslutsvägar", "personalens engagemang",
    "återkommande utbildning", "ett tydligt barnperspektiv", "tillgång till tolk", "ett enkelt samtyckesformulär",
    "närheten till målgruppen", "samlokaliseringen av verksamheterna", "en gemensam lägesbild",
    "den politiska förankringen", "ett tydligt uppdrag från ledningen", "uthålligheten i arbetet",
    "att brukarnas röster togs tillvara", "flexibla öppettider", "digitala mötesformer",
    "god kännedom om lokala förhållanden", "ett nära samarbete med civilsamhället", "stödet från forskningen",
    "ett gemensamt språk om våld", "att insatsen var kostnadsfri", "en fungerande ärendegång",
    "förtroendet mellan yrkesgrupperna", "en tydlig ansvarsfördelning", "små och trygga grupper",
], 0.8)

CHALLENGES = Z([
    "hög personalomsättning", "långa avstånd i länet", "osäker finansiering", "bristen på tolkar",
    "sekretessfrågor mellan myndigheterna", "svårigheter att nå målgruppen", "olika it-system",
    "tidsbrist hos personalen", "skiftande kunskapsnivå", "få platser i skyddat boende",
    "väntetider till behandling", "oro för repressalier hos de utsatta",
], 0.9)

SOLUTIONS = Z([
    "en gemensam introduktion för nyanställda", "digitala möten", "ett avtal om tolkförmedling",
    "en samtyckesblankett", "uppsökande arbete", "ett gemensamt dokumentationsstöd", "kortare utbildningsmoduler",
    "ett samarbetsavtal med grannkommunerna", "tydligare ansvarsfördelning", "en reservlista med stödpersoner",
], 0.9)

PREREQS = Z([
    "att ledningen avsätter tid", "att det finns en utsedd samordnare", "att rutinfrågor och stödfunktion införs samtidigt",
    "ett fungerande samarbete med polisen", "tillgång till tolk", "att personalen får återkommande utbildning",
    "att socialtjänsten är med från början", "en gemensam syn på sekretess", "att barnen får ett eget stöd",
    "att det finns lokaler där stödsamtal kan hållas ostört", "ett politiskt beslut om långsiktig finansiering",
], 0.9)

RESOURCES = Z([
    "en samordnartjänst", "ett kvinnofridsteam", "en samrådsgrupp", "en behandlare", "lokaler för stödsamtal",
    "platser i skyddat boende", "en utbildningsorganisation", "en jourtelefon", "ett mobilt team",
], 0.9)

DOCS_DEF = Z(["skyddsplanen", "rutinen", "handlingsplanen", "riskbedömningen", "samverkansöverenskommelsen",
              "lägesbilden", "uppföljningen", "ärendet", "kontaktlistan"], 0.9)
AGREE_ITEMS = Z(["instrument och tidsgränser", "gemensamma begrepp", "hur information delas", "vem som kallar till möten",
                 "hur barnen ska involveras", "vilka ärenden som ska lyftas"], 0.9)
FUNDS = Z(["Länsstyrelsen Dalarna", "Brottsofferfonden", "Allmänna arvsfonden", "Jämställdhetsmyndigheten",
           "Socialstyrelsens utvecklingsmedel", "Region Dalarnas folkhälsomedel", "Europeiska socialfonden",
           "Länsstyrelsens medel mot hedersrelaterat våld"], 0.9)
EVALUATORS = Z(["Högskolan Dalarna", "en extern utvärderare", "Region Dalarnas FoU-enhet", "en forskare vid Högskolan Dalarna",
                "Nationellt centrum för kvinnofrid", "ett konsultföretag"], 0.9)
OUTCOMES = Z([
    "tiden från anmälan till skyddsplan har halverats", "fler kvinnor fullföljer kontakten med socialtjänsten",
    "deltagarna känner sig tryggare i mötet med våldsutsatta", "återfallen i våld har minskat bland deltagarna",
    "fler barn som upplevt våld får eget stöd", "samverkan mellan parterna har blivit tydligare",
    "fler ärenden upptäcks i ett tidigt skede", "kunskapen om hedersrelaterat våld har ökat i skolorna",
    "fler personer som säljer sex har tagit emot stöd", "väntetiden till ett första samtal har kortats",
    "färre ärenden avslutas utan insats", "de utsatta upplever att de blir trodda",
], 0.8)
RISK_TOOLS = Z(["SARA", "PATRIARK", "FREDA-farlighetsbedömning", "SAM", "Check 65"], 1.0)
TREATMENTS = Z(["IDAP", "ROS", "Caring Dads", "ATV-modellen", "Relationsvåldsprogrammet", "Mansmottagningens samtalsmodell"], 1.0)
HOTLINES = Z(["Kvinnofridslinjen", "Välj att sluta", "Brottsofferjourens stödlinje", "Nationella hedersvåldslinjen",
              "jourens stödtelefon", "Ungdomsmottagningens chatt"], 1.0)
LANGUAGES = Z(["arabiska", "somaliska", "tigrinja", "dari", "persiska", "engelska", "ukrainska", "kurdiska", "thailändska",
               "bosniska", "polska", "finska", "teckenspråk"], 0.8)
FREQS = Z(["varje månad", "fyra gånger per år", "varannan vecka", "varje vecka", "två gånger per termin", "en gång i kvartalet"], 1.0)
NUMWORDS = ["två", "tre", "fyra", "fem", "sex"]
ORDINALS = ["första", "andra", "tredje", "fjärde"]

# Invented project names: Swedish first parts and last parts, joined into compounds.
PROJ_HEAD = Z([
    "Trygghets", "Ljus", "Frihets", "Mod", "Värme", "Styrke", "Fjäll", "Älv", "Skogs", "Dal", "Sol", "Vår",
    "Grynings", "Morgon", "Horisont", "Kompass", "Ankar", "Vind", "Stjärn", "Sjö", "Malm", "Koppar", "Myr",
    "Hägn", "Lugn", "Rast", "Nord", "Hopp", "Fyr", "Siljans", "Björk", "Tall", "Ljung", "Berg", "Sten",
    "Strand", "Kvinnofrids", "Trygg", "Lykt", "Bro", "Dalkulla", "Glänt", "Källe", "Fors", "Nybygge",
    "Gnist", "Lövsprick", "Midsommar", "Gränd", "Varg", "Orre", "Hjort", "Linne", "Vävar", "Smides",
], 0.5)
PROJ_TAIL = Z([
    "bron", "vägen", "steget", "huset", "ringen", "nätet", "porten", "länken", "stigen", "gården", "hamnen",
    "fyren", "ankaret", "tråden", "rummet", "dörren", "bryggan", "leden", "kretsen", "spåret", "stegen",
    "torget", "nätverket", "kompassen", "lyktan", "vägvisaren", "tältet", "stugan", "gläntan", "flotten",
], 0.5)

TAGS = {
    "forebyggande-insats": ["våldsprevention", "normer", "skola", "förebyggande arbete", "samtycke", "maskulinitet"],
    "stod": ["stödsamtal", "kvinnojour", "skyddat boende", "stödperson", "brottsoffer", "barn som upplevt våld"],
    "utbildning": ["utbildning", "kompetensutveckling", "webbutbildning", "handledning", "kvinnofridsarbete"],
    "samverkan": ["samverkan", "samråd", "informationsdelning", "sekretess", "länsgemensamt"],
    "riskbedomning": ["riskbedömning", "skyddsplan", "sara", "patriark", "skyddsbedömning"],
    "behandling": ["behandling", "våldsutövare", "återfall", "frivård", "samtalsbehandling"],
    "datainsamling": ["statistik", "kartläggning", "forskning", "lägesbild", "uppföljning"],
    "information": ["kampanj", "information", "civilkurage", "lättläst", "flerspråkig information"],
    "nara-relation": ["våld i nära relation", "partnervåld", "ekonomiskt våld", "digitalt våld"],
    "hedersrelaterat": ["heder", "barnäktenskap", "könsstympning", "tvångsäktenskap", "hedersförtryck"],
    "prostitution-sexualiserat": ["prostitution", "människohandel", "sexualiserat våld", "våldtäkt", "uppsökande arbete"],
}

# Rare domain terms (noun phrases): the long tail of the vocabulary.
RARE = Z([
    "kontaktförbud", "skyddade personuppgifter", "sekretessmarkering", "umgängesstöd", "stödboende",
    "andrahandskontrakt", "dödligt våld", "strypvåld", "hedersrelaterad kontroll", "oskuldsnormer",
    "oskuldskontroller", "kvarlämnande utomlands", "återvändande efter utlandsvistelse", "tvångsgifte",
    "religiösa vigslar av barn", "släktingars kontroll", "mobilövervakning", "gps-spårning", "hämndporr",
    "kränkande fotografering", "grooming", "sextortion", "köp av sexuell tjänst", "koppleri",
    "människohandel i arbetslivet", "hyresvärdars ansvar", "vräkningar efter separation", "skuldsättning i partnerns namn",
    "kreditupplysningar", "bodelning", "vårdnadsutredningar", "umgängessabotage", "barnfridsbrott",
    "grov kvinnofridskränkning", "olaga förföljelse", "ofredande via sociala medier", "identitetskapning",
    "larmpaket", "trygghetslarm", "skyddsbostäder", "kvinnojoursplatser", "husdjur vid flykt", "djurplacering",
    "hemlöshet efter våld", "missbruk och våld", "samsjuklighet", "självskadebeteende", "ätstörningar",
    "våld under graviditet", "förlossningsrädsla", "eftervård efter våldtäkt", "akut omhändertagande",
    "rättsintyg", "fotodokumentation", "spårsäkring", "målsägandebiträde", "särskild företrädare för barn",
    "stödperson vid rättegång", "vittnesstöd", "skadestånd", "brottsskadeersättning", "överklaganden",
    "utvisning och uppehållstillstånd", "anknytningsärenden", "tvåårsregeln", "språkbarriärer", "analfabetism",
    "digital utestängning", "bristande tillgänglighet", "teckenspråkstolkning", "dövas situation",
    "kvinnor i missbruk", "kvinnor i fängelse", "våld i samkönade par", "transpersoners utsatthet",
    "pojkars utsatthet", "unga förövare", "syskonvåld", "barn som utövar våld mot föräldrar",
    "äldre föräldrars utsatthet", "ekonomiska övergrepp mot äldre", "demenssjukdom och våld",
    "personlig assistans", "gruppbostäder", "daglig verksamhet", "särskolans elever", "elevhälsans journaler",
    "anmälningsplikt", "orosanmälningar från polisen", "barnsamtal", "barnkonventionen", "skyddsbedömningar",
    "placeringar i familjehem", "kontaktfamiljer", "ensamkommande flickor", "snabba separationer",
    "nätverksmöten", "familjeråd", "medlingssamtal", "förlåtelsesamtal", "skam och skuld",
    "traumabehandling", "kroppsterapi", "yogagrupper", "skrivgrupper", "friluftsliv som stöd",
    "arbetsträning", "studiestöd", "jobbcoachning", "etableringsplaner", "föräldrapenning",
    "bostadsförtur", "skyddat nummer", "flyttkostnader", "nödprövning", "jourboende för män",
    "krismottagning", "suicidprevention", "mäns hälsa", "pappagrupper", "spelberoende",
    "alkoholservering", "festivalsäkerhet", "trygghetsvandringar", "belysning i tätorten", "busshållplatser",
    "skoterleder", "fäbodvallar", "turistsäsongen i Sälen", "säsongsanställda", "bärplockare",
    "gruvorternas historia", "Vasaloppsveckan", "Siljansbygden", "Bergslagen", "Västerdalarna",
], 1.05)

METHOD_BY_MEASURE = {
    "forebyggande-insats": ["Mentorer i våldsprevention", "Tjejzonen", "Sexuell hälsa för unga", "Machofabriken"],
    "stod": ["Trappan", "Kvinnofridsmodellen", "Stödsamtalsmodellen", "Skyddsplanering i vardagen"],
    "utbildning": ["Våga fråga", "FREDA", "Webbstöd om våld", "Barnafrids webbutbildning"],
    "samverkan": ["Barnahusmodellen", "Signs of Safety", "MARAC", "Tryggare tillsammans"],
    "riskbedomning": ["SARA", "PATRIARK", "FREDA", "SAM", "Check 65"],
    "behandling": ["IDAP", "ROS", "ATV-modellen", "Caring Dads"],
    "datainsamling": ["Öppna jämförelser", "Skolenkäten", "Liv och hälsa ung"],
    "information": ["Våga fråga", "Se tecknen", "Du är inte ensam"],
}

MAILBOXES = ["kvinnofrid", "kvinnofridsteamet", "trygghet", "stodlinjen", "samordning", "vald-i-nara-relation",
             "hedersfragor", "kontakt", "samverkan", "utbildning", "forebyggande", "stod", "lansgruppen"]

# --------------------------------------------------------------------------------------
# Titles and summaries
# --------------------------------------------------------------------------------------

# measure -> [(title noun phrase, preposition before a form of violence, preposition before a group)]
MEASURE_TITLE = {
    "forebyggande-insats": [("Förebyggande arbete", "mot", "med"), ("Våldsförebyggande insatser", "mot", "för"),
                            ("Normkritiskt förebyggande arbete", "mot", "med"), ("Tidiga insatser", "mot", "för"),
                            ("Främjande och förebyggande arbete", "mot", "med"), ("Våldsprevention", "mot", "för")],
    "stod": [("Stöd", "vid", "till"), ("Stödsamtal", "vid", "för"), ("Samordnat stöd", "vid", "till"),
             ("Skyddat boende och stöd", "vid", "för"), ("Stödgrupper", "vid", "för"), ("Uppsökande stöd", "vid", "till"),
             ("Stödlinje", "om", "för"), ("Krisstöd", "vid", "till")],
    "utbildning": [("Utbildning", "om", "för"), ("Grundutbildning", "om", "för"), ("Fördjupningsutbildning", "om", "för"),
                   ("Webbutbildning", "om", "för"), ("Kompetenslyft", "om", "för"), ("Utbildningsdagar", "om", "för")],
    "samverkan": [("Samverkan", "mot", "kring"), ("Samverkansrutin", "vid", "kring"), ("Samrådsmodell", "vid", "för"),
                  ("Gemensam samverkansgrupp", "mot", "för"), ("Länsgemensam samverkan", "mot", "kring")],
    "riskbedomning": [("Riskbedömning", "vid", "för"), ("Gemensam riskbedömning", "vid", "för"),
                      ("Strukturerad riskbedömning", "vid", "för"), ("Skyddsplanering", "vid", "för"),
                      ("Riskbedömning och skyddsplanering", "vid", "för")],
    "behandling": [("Behandlingsprogram", "mot", "för"), ("Behandling", "mot", "för"), ("Gruppbehandling", "mot", "för"),
                   ("Samtalsbehandling", "mot", "för"), ("Påverkansprogram", "mot", "för")],
    "datainsamling": [("Datainsamling", "om", "om"), ("Kartläggning", "av", "av"), ("Lägesbild", "av", "om"),
                      ("Länsgemensam statistik", "om", "om"), ("Uppföljningssystem", "för", "för")],
    "information": [("Informationskampanj", "om", "till"), ("Kampanj", "mot", "till"), ("Informationsinsatser", "om", "för"),
                    ("Lättläst information", "om", "till"), ("Grannkampanj", "mot", "till")],
}

TITLE_TEMPLATES = Z([
    "{mt} {tp} {tg_t} i {place}",
    "{project} – {mt_l} {vp} {vf_t}",
    "{mt} {vp} {vf_t} inom {unit}",
    "{project} – {mt_l} {tp} {tg_t} i {places}",
    "Samverkan mellan {unit} och {unit2} om {vf_t}",
    "{mt} {tp} {tg_t} {arena}",
    "{mt} {vp} {vf_t} – erfarenheter från {village}",
    "Så arbetar {unit} i {place} med {vf_t}",
    "{project}: {mt_l} {tp} {tg_t}",
    "{mt} {vp} {vf_t} i samverkan mellan {org_a} och {org_b}",

    "Pilotprojekt med {mt_l} {vp} {vf_t} i {village}",
    "{mt} {tp} {tg_t} med fokus på {topic}",
    "{mt} {vp} {vf_t} – ett samarbete mellan {org_a} och {org_b}",
    "{project} – {mt_l} {vp} {vf_t} {arena}",
    "Tidig upptäckt av {vf_t} {arena} i {place}",
    "{project} i {village}: {mt_l} {tp} {tg_t}",
    "Från kartläggning till handling – {mt_l} {vp} {vf_t} i {place}",
    "{mt} {vp} {vf_t} för {staff} i {place}",
    "{owner}: {mt_l} {vp} {vf_t} {period_short}",
    "Lärdomar från {project} om {topic}",
    "{mt} {vp} {vf_t} i {place} {period_short}",
    "{project} – {mt_l} i {village} {period_short}",
    "Att fråga om våld {arena} i {village}",
    "Ett gemensamt arbetssätt mot {vf_t} i {places} {period_short}",
    "Arbetet med {rare} i {village}",
], 0.35)

SUMMARY_FIRST = Z([
    "{owner} {v_driver} {period_text} {project_phrase}, som {v_riktar} sig till {tg} i {places} och {v_handlar} om {vf}.",
    "{period_text_cap} {v_arbetar} {owner} tillsammans med {partners} med {mt_l} {vp} {vf} i {places}.",
    "I {project_phrase} har {owner} utvecklat ett arbetssätt för att nå {tg} i frågor om {vf}.",
    "{owner} och {partners} tog {start} fram en gemensam modell för {topic} i ärenden om {vf}.",
    "{period_text_cap} {v_genomfor} {owner} {project_phrase} med fokus på {topic} för {tg} i {places}.",
    "{owner_unit_cap} i {place} {v_arbetar} {period_text} med {mt_l} {vp} {vf}, främst {tp} {tg}.",
], 0.5)

SUMMARY_RESULT = {
    "ej-utvarderad": Z([
        "Arbetet har ännu inte utvärderats, men efterfrågan från andra kommuner är stor.",
        "Någon utvärdering har inte gjorts, men {staff} beskriver att ärendena blivit tydligare.",
        "Insatsen har nått {N} {tg}, men effekterna har inte utvärderats.",
    ], 0.6),
    "uppfoljd": Z([
        "Uppföljningen visar att {outcome}.",
        "Andelen {staff} som frågar om våld har ökat från {pct_lo} till {pct_hi} procent.",
        "Under perioden {got_support}, och arbetet följdes upp varje år.",
    ], 0.6),
    "utvarderad": Z([
        "En utvärdering av {evaluator} visade att {outcome}.",
        "Utvärderingen {year} visade att {outcome}.",
        "Utvärderingen visar att {outcome} och att {outcome2}.",
    ], 0.6),
}

SUMMARY_LAST_ONGOING = Z(["Arbetet pågår fortfarande och finansieras i dag inom ordinarie budget.",
                          "Arbetssättet har blivit en del av ordinarie verksamhet.",
                          "Modellen kan spridas till fler kommuner i länet."], 0.8)
SUMMARY_LAST_ENDED = Z(["Projektet avslutades {end} och delar av arbetssättet lever kvar i ordinarie verksamhet.",
                        "Arbetet avslutades {end}, men materialet används fortfarande i länet.",
                        "Insatsen pågick till och med {end}."], 0.8)

# --------------------------------------------------------------------------------------
# Body sentence templates, per section
# --------------------------------------------------------------------------------------

BAKGRUND = [
    "Under {prev} uppmärksammade {unit} i {place} att allt fler {tg_v} sökte stöd för {vf}.",
    "En kartläggning som {owner} gjorde {prev} visade stora skillnader i hur {staff} arbetade med {vf}.",
    "Innan arbetet startade saknades en gemensam rutin för hur {staff} skulle agera när {tg_sg} berättade om våld.",
    "Många {tg_v} i {place} hade svårt att hitta rätt stöd, och väntetiderna hos {unit} var långa.",
    "Enligt länets lägesbild från {prev} hade antalet polisanmälningar om {vf} ökat med {pct} procent på fem år.",
    "I de mindre orterna, till exempel {village} och {village2}, är avstånden långa och anonymiteten liten, vilket gör det svårare att söka hjälp.",
    "{staff_cap} beskrev att de ofta var osäkra på vad de skulle göra med svaret när de frågade om våld.",
    "Samverkan mellan {org} och {org2} byggde tidigare på enskilda personer och föll bort när nyckelpersoner slutade.",
    "Länsgruppen mot mäns våld mot kvinnor pekade {prev} ut {vf} som ett utvecklingsområde i Dalarna.",
    "Flera ärenden där {tg_v} utsatts för upprepat våld hade följts upp för sent, vilket framkom vid en intern granskning.",
    "Det fanns också en oro för att barnen i familjerna inte fick komma till tals i utredningarna.",
    "Kunskapen om {vf} varierade mycket mellan verksamheterna, och få {staff} hade fått någon utbildning alls.",
    "Statistik från {unit} visade att {N} ärenden om {vf} registrerades under {prev}, men att bara en liten del ledde till insatser.",
    "I {place} hade det under flera år saknats ett samlat stöd för {tg}.",
    "Personalen {arena} mötte regelbundet {tg} men visste inte vart de skulle hänvisa.",
    "Den nationella strategin för att förebygga och bekämpa mäns våld mot kvinnor gav ett tydligt mandat att utveckla arbetet.",
    "En enkät till {N} medarbetare visade att {pct} procent aldrig hade frågat en patient eller klient om våld.",
    "Våldet var ofta dolt, och många {tg_v} vände sig först till personalen {arena} med helt andra frågor.",
    "Ärenden med {vf} krävde samordning mellan flera myndigheter, men ingen hade ett tydligt ansvar för helheten.",
    "Under pandemiåren ökade oron för att våldet i hemmen skulle bli ännu svårare att upptäcka.",
    "{owner} fick {prev} medel från {fund} för att pröva ett nytt arbetssätt.",
    "Tidigare insatser hade främst riktats till {tg}, medan {tg2} sällan nåddes.",
    "I samtal med {tg_def} framkom att de ville ha stöd närmare hemmet och utan krav på att först göra en polisanmälan.",
    "Det saknades kunskap om hur {vf} tar sig uttryck bland {tg_v} på landsbygden.",
    "Återkommande fall av kontrollerande beteende, ekonomiskt våld och digitalt våld visade att de befintliga rutinerna inte räckte.",
    "{unit_cap} hade under en längre tid signalerat behov av stöd i svåra ärenden.",
    "En studie vid Högskolan Dalarna hade visat att {tg_v} i glesbygd har sämre tillgång till specialiserat stöd.",
    "Frågan lyftes första gången på ett möte i länsgruppen {prev}, efter att flera medlemmar beskrivit liknande problem.",
    "Både {staff} och {staff2} efterfrågade tydligare rutiner och mer kunskap om {topic}.",
    "Socialstyrelsens tillsyn {prev} påpekade brister i hur {unit} dokumenterade våld och bedömde risker.",
    "I {village} fanns ingen mötesplats där {tg} kunde få information om våld och om vilket stöd som finns.",
    "Antalet ärenden om {vf} hos {unit} hade fördubblats på {n_small} år, medan resurserna var oförändrade.",
    "Under arbetet blev det tydligt att även frågor om {rare} behövde hanteras.",
    "Flera medarbetare hade stött på frågor om {rare} men visste inte hur de skulle gå vidare.",
]

BAKGRUND_VF = {
    "nara-relation": [
        "Våld i nära relation är ofta upprepat och förvärras över tid, och många kvinnor lever länge med våldet innan de söker hjälp.",
        "Barn som lever med våld i familjen har länge varit en osynlig grupp i {place}.",
        "Psykiskt, ekonomiskt och digitalt våld uppmärksammades sällan i utredningarna.",
        "Separationen är ofta den farligaste tiden, och flera kvinnor hade utsatts för eftervåld trots kontaktförbud.",
    ],
    "hedersrelaterat": [
        "Flera skolor i {place} hade under kort tid fått signaler om att elever riskerade att giftas bort eller föras utomlands.",
        "Personalen saknade kunskap om hedersrelaterat våld och förtryck och om hur det skiljer sig från annat våld i nära relation.",
        "Frågor om barnäktenskap, tvångsäktenskap och könsstympning hade blivit vanligare i kontakten med {unit}.",
        "Unga som lever med begränsningar i sin vardag vågade sällan berätta för vuxna i skolan.",
    ],
    "prostitution-sexualiserat": [
        "Annonser som erbjöd sexuella tjänster i Dalarna hade blivit fler, samtidigt som få insatser nådde dem som säljer sex.",
        "Sexualiserat våld mot unga, inte minst via nätet, hade uppmärksammats av både skolan och polisen.",
        "Misstankar om människohandel för sexuella ändamål var svåra att följa upp utan samverkan med polisen.",
        "Många som utsatts för våldtäkt söker aldrig vård, och kunskapen om akut omhändertagande var ojämn.",
    ],
}

VAD = [
    "Under {start} startade {owner} {project_phrase}, som riktar sig till {tg} i {places}.",
    "Arbetet leds av en styrgrupp med representanter från {partners}.",
    "{staff_cap} {unit_at} fick en utbildning på {n_word} dagar om {vf} och om hur man ställer frågor om våld.",
    "Samtliga {staff} använder nu {method} som stöd i bedömningen av ärenden.",
    "En gemensam rutin togs fram för hur {unit} och {unit2} ska dela information inom sekretessens ramar.",
    "Varje ärende följs upp inom {n_small} arbetsdagar, och en ansvarig kontaktperson utses hos varje part.",
    "{owner} anställde {n_word} samordnare på halvtid som håller ihop arbetet i {places}.",
    "Under {year} genomfördes {n} workshoppar för {staff} i {place} och {village}.",
    "Stödsamtalen erbjuds både enskilt och i grupp, och barnen får ett eget stöd parallellt.",
    "Informationsmaterial togs fram på {n_word} språk, bland annat {language} och {language2}.",
    "En samverkansgrupp med {partners} träffas {freq} för att gå igenom aktuella ärenden och rutiner.",
    "Metoden bygger på {method} och har anpassats till lokala förhållanden i {place}.",
    "Medarbetarna har tillgång till handledning {freq} och kan konsultera {unit2} i enskilda ärenden.",
    "Insatsen är frivillig och kan påbörjas utan att {tg_sg} först har gjort en polisanmälan.",
    "Parallellt genomfördes en kampanj i lokala medier och på sociala medier för att nå {tg}.",
    "{project} har ett eget telefonnummer och en chatt som är öppen tre kvällar i veckan.",
    "Inom ramen för {project} utbildades {N} yrkesverksamma i {topic}.",
    "Under {year} antog {decider} en handlingsplan mot {vf} som gäller för hela verksamheten.",
    "Ett samtal om skyddsplanering erbjuds alltid när risken för nytt våld bedöms som förhöjd.",
    "Personalen dokumenterar våldet med en gemensam mall, vilket underlättar en senare rättsprocess.",
    "{unit_cap} arbetar uppsökande och möter {tg} där de redan finns, till exempel {arena}.",
    "{org} bidrog med lokaler, medan {org2} ansvarade för utbildningsinsatserna.",
    "Alla nyanställda {unit_at} får en introduktion i {topic} under sin {ordinal} månad.",
    "En checklista för {topic} togs fram och finns nu i verksamhetssystemet.",
    "Tolkar som anlitas i ärendena har fått särskild information om tystnadsplikt och om {vf}.",
    "För att nå {tg_v} på landsbygden erbjuds samtal digitalt och på plats i {village}.",
    "Det {ordinal} året utvidgades arbetet till {muni_other} och {muni_other2}.",
    "Ärendena dras anonymt i en konsultationsgrupp där {staff} och {staff2} deltar.",
    "Från {year} finns en särskild kontaktperson för {vf} {unit_at}.",
    "Arbetet organiserades i {n_word} delprojekt med var sin ansvarig hos {owner}.",
    "Kvinnor som lämnat en våldsam relation får hjälp med bostad, ekonomi och kontakter med skola och förskola.",
    "En referensgrupp med {tg} bidrog med synpunkter på material och bemötande.",
    "Ett särskilt spår i arbetet handlade om {rare}.",
    "Rutinerna kompletterades under {year} med ett avsnitt om {rare}.",
]

VAD_MEASURE = {
    "forebyggande-insats": [
        "Eleverna i årskurs {grade} arbetar med övningar om normer, gränser och samtycke under {n_small} lektioner per termin.",
        "Samtal om jämställdhet och maskulinitetsnormer hålls i grupper om {n_small} till {n} deltagare.",
        "Fritidsledare och skolpersonal fick handledning i hur de kan ingripa när de ser kränkningar bland unga.",
        "Arbetet utgår från ett främjande perspektiv och riktar sig till hela skolan, inte enbart till elever i riskzonen.",
        "Föräldrar bjöds in till träffar om barns rätt till en uppväxt fri från våld.",
    ],
    "stod": [
        "Jourens volontärer erbjuder stödsamtal, hjälp med kontakter med myndigheter och stöd vid rättegång.",
        "{unit_cap} kan ordna skyddat boende med kort varsel, även under helger och storhelger.",
        "Barnen erbjuds samtal i grupp enligt en strukturerad modell där de får sätta ord på sina upplevelser.",
        "En stödperson följer med till polis, domstol och socialtjänst när kvinnan så önskar.",
        "Stödet fortsätter även efter att kvinnan flyttat från det skyddade boendet, i upp till {n_small} månader.",
    ],
    "utbildning": [
        "Utbildningen består av {n_word} steg: en webbutbildning, en heldag med föreläsningar och ett uppföljande ärendeseminarium.",
        "Föreläsare från {org} och {org2} medverkar, och deltagarna arbetar med avidentifierade fall.",
        "Ett utbildningspaket med filmer, diskussionsfrågor och handledarstöd togs fram för arbetsplatsträffar.",
        "Nyanställda {unit_at} går utbildningen under sina första {n_small} månader.",
        "Utbildningsdagarna hölls i Falun, Mora och Ludvika för att minska restiden för deltagarna.",
    ],
    "samverkan": [
        "Parterna skrev under en samverkansöverenskommelse som tydliggör ansvar, kontaktvägar och tidsgränser.",
        "Ärenden där flera myndigheter är inblandade lyfts till ett samrådsmöte inom {n_small} arbetsdagar.",
        "En gemensam kontaktlista och en namngiven funktion hos varje part gör det lätt att nå rätt person.",
        "Samverkansgruppen har ett roterande ordförandeskap och en gemensam årsplan.",
    ],
    "riskbedomning": [
        "Riskbedömningar görs med {risk_tool} och uppdateras vid förändrade omständigheter, till exempel frigivning eller flytt.",
        "En gemensam skyddsplan tas fram tillsammans med kvinnan och revideras minst en gång i månaden.",
        "Handläggarna har gått en tvådagarsutbildning i strukturerad riskbedömning och deltar i kalibreringsträffar.",
        "När barn berörs görs en särskild skyddsbedömning tillsammans med barnahuset.",
    ],
    "behandling": [
        "Män som utövat våld i nära relation erbjuds behandling i grupp eller individuellt under {n_small} till {n} veckor.",
        "Behandlingen fokuserar på ansvarstagande, känsloreglering och konsekvenser för barnen.",
        "Samtidigt som mannen deltar i behandlingen erbjuds partnern stöd och information om behandlingens innehåll.",
        "Programmet {treatment} används både inom frivården och i kommunens egen verksamhet.",
        "Den som ringer {hotline} kan få en första samtalskontakt inom en vecka.",
    ],
    "datainsamling": [
        "Uppgifter samlas in varje år från {n} verksamheter med en gemensam enkät och sammanställs av Högskolan Dalarna.",
        "Datainsamlingen följer gemensamma definitioner så att uppgifterna kan jämföras mellan kommunerna.",
        "Alla uppgifter är avidentifierade och redovisas på gruppnivå.",
        "En gemensam indikatorlista med {n} mått togs fram i samråd med länsgruppen.",
    ],
    "information": [
        "Affischer, broschyrer och digitala annonser med numret till {hotline} spreds i {places}.",
        "Information om stöd vid våld finns nu på {n_word} språk och i lättläst version.",
        "Kampanjen riktade sig till grannar, vänner och kollegor med budskapet att det är okej att fråga.",
        "Informationsträffar hölls på bibliotek, vårdcentraler och i föreningslivet i {village} och {village2}.",
        "Korta filmer om {topic} visades i sociala medier och på väntrummens skärmar.",
    ],
}

RESULTAT = [
    "{period_text_cap} {got_support} genom {project}.",
    "Andelen {staff} som frågar om våld rutinmässigt ökade från {pct_lo} till {pct_hi} procent.",
    "En enkät {year} visade att {pct_hi} procent av deltagarna upplevde att stödet var till hjälp.",
    "Väntetiden till ett första samtal har kortats från {n_big} till {n_small} dagar.",
    "{N} medarbetare har gått utbildningen, och efterfrågan är fortsatt stor.",
    "Antalet orosanmälningar som rör barn som upplevt våld har ökat, vilket tolkas som att fler fall upptäcks.",
    "Deltagarna beskriver att de fått bättre kunskap om {vf} och känner sig tryggare i mötet med {tg_v}.",
    "Av de {N} ärenden som följdes upp ledde {n} till en skyddsplan och {n2} till en polisanmälan.",
    "Resultaten redovisas varje år för länsgruppen och används i den regionala lägesbilden.",
    "Under {year} nådde kampanjen uppskattningsvis {N_big} invånare i {places}.",
    "Både {staff} och {tg} har varit delaktiga i att förbättra arbetet.",
    "Resultaten är svåra att mäta, eftersom {vf} ofta inte anmäls.",
    "Fler {tg} tar nu själva kontakt med {unit}, ofta efter tips från personal {arena}.",
    "Antalet deltagare ökade från {n} det första året till {N} under {year}.",
    "Personalen uppger att de har lättare att upptäcka våld och att de vet vart de ska hänvisa.",
    "Samarbetet med {unit2} har blivit mer förutsägbart, och färre ärenden faller mellan stolarna.",
    "{pct} procent av de tillfrågade {staff} anger att rutinen används i alla aktuella ärenden.",
    "Under {year} hölls {n} samrådsmöten där sammanlagt {N} ärenden diskuterades.",
    "Flera verksamheter i {muni_other} har efterfrågat materialet från {project}.",
    "Antalet polisanmälningar om {vf} i {place} ökade med {pct} procent, vilket tolkas som att mörkertalet minskat.",
    "Kostnaden per deltagare beräknades till omkring {kr_small} kronor.",
    "Ett oväntat resultat var att fler frågor om {rare} kom upp i samtalen.",
]

RESULTAT_EVAL = {
    "ej-utvarderad": [
        "Arbetet har inte utvärderats systematiskt, men {staff} beskriver att ärendena blivit tydligare.",
        "En utvärdering planeras till {future}.",
        "Det saknas ännu jämförbara siffror, eftersom registreringen ändrades under {year}.",
    ],
    "uppfoljd": [
        "Arbetet följs upp varje år med statistik över antalet ärenden och en enkät till deltagarna.",
        "Uppföljningen {year} visade att {pct} procent av kvinnorna som fått stöd inte längre bodde kvar med våldsutövaren.",
        "Resultaten redovisas årligen i {owner_gen} verksamhetsberättelse.",
        "Den senaste uppföljningen visar att {outcome}.",
    ],
    "utvarderad": [
        "En utvärdering som {evaluator} gjorde {year} visade att {outcome}.",
        "Utvärderingen byggde på intervjuer med {n} {staff} och {n2} deltagare samt registeruppgifter.",
        "Utvärderarna rekommenderade att arbetssättet permanentas och sprids till fler kommuner.",
        "Utvärderingen visade också att {outcome}.",
    ],
}

FRAMGANG = [
    "{factor_cap} var avgörande för att arbetet skulle fungera över tid.",
    "En viktig framgångsfaktor var {factor}.",
    "Att {unit} och {unit2} hade fasta mötestider gjorde att samverkan inte föll bort vid hög arbetsbelastning.",
    "Ledningens tydliga uppdrag och en utsedd samordnare hos varje part skapade kontinuitet.",
    "Den gemensamma utbildningen skapade förtroende mellan yrkesgrupperna.",
    "Det var viktigt att involvera {tg} tidigt, eftersom deras erfarenheter förändrade arbetssättet.",
    "Både {factor} och {factor2} lyftes fram av deltagarna som särskilt viktiga.",
    "Att insatsen var kostnadsfri och inte krävde remiss sänkte tröskeln för att söka stöd.",
    "Ett enkelt samtyckesformulär gjorde det möjligt att dela information snabbt.",
    "Flera parter framhåller att {factor} gav arbetet legitimitet.",
    "Tolkar med kunskap om {vf} var en förutsättning för att nå {tg}.",
    "En utmaning har varit {challenge}, vilket hanterades genom {solution}.",
    "Stödet från {fund} gjorde det möjligt att pröva arbetssättet under {n_word} år.",
    "{staff_cap} framhåller att {factor} gjorde störst skillnad i vardagen.",
    "Arbetet vilade på {factor} snarare än på enskilda eldsjälar.",
    "Att låta {tg_def} själva beskriva vad de behövde gav insatsen en annan träffsäkerhet.",
    "Närheten mellan {unit} och {unit2}, som finns i samma hus i {place}, underlättade de snabba kontakterna.",
    "Återkommande ärendedragningar gjorde att kunskapen stannade kvar trots {challenge}.",
]

OVERFOR = [
    "Modellen kan användas i andra kommuner, men den förutsätter {prereq}.",
    "Mindre kommuner kan införa arbetssättet genom att dela {resource} med grannkommunerna.",
    "Materialet från {project} finns tillgängligt för alla medlemmar i länsgruppen.",
    "Arbetssättet kräver ingen särskild budget utöver utbildning och arbetstid.",
    "{owner} delar gärna erfarenheter och rutiner med andra organisationer i länet.",
    "Flera kommuner, bland annat {muni_other} och {muni_other2}, har visat intresse för att pröva modellen.",
    "Det viktigaste är att parterna kommer överens om {agree} och om vem som äger {doc_def}.",
    "I glesbygd behöver metoden anpassas, till exempel genom digitala samtal och mobila team.",
    "En kostnad att räkna med är arbetstiden för samordningen, som uppgick till cirka {kr} kronor per år.",
    "Erfarenheterna visar att en pilot i en kommun är ett bra sätt att börja innan arbetet sprids i länet.",
    "Den som vill pröva arbetssättet kan kontakta {owner} via funktionsbrevlådan.",
    "Arbetssättet bör kombineras med insatser kring {topic} för att få full effekt.",
    "Erfarenheterna har också använts i länets arbete med {rare}.",
    "Rutinerna är skrivna så att de kan användas även av verksamheter utan särskild kompetens om {vf}.",
    "I kommuner med få ärenden kan det vara klokt att samverka över kommungränserna, som {place} gjort med {muni_other}.",
    "Även andra län har visat intresse, och materialet har presenterats på en nationell konferens om {vf}.",
    "Den största risken vid ett införande är {challenge}, och det behöver finnas en plan för det.",
    "Delar av arbetssättet, till exempel materialet om {topic}, går att införa var för sig.",
]

BULLET_INTRO = {
    "vad": Z(["Arbetet består av {k} delar:", "Rutinen innehåller:", "Insatsen omfattar:", "I arbetet ingår:",
              "Modellen bygger på {k} delar:"], 0.7),
    "res": Z(["Uppföljningen visar bland annat:", "Några resultat i korthet:", "Sammanfattningsvis har arbetet lett till:"], 0.7),
    "fram": Z(["Deltagarna lyfte särskilt fram:", "Följande framgångsfaktorer framhålls:", "Det som gjorde skillnad var:"], 0.7),
}
BULLETS = {
    "vad": [
        "en gemensam blankett för samtycke", "ett samrådsmöte inom {n_small} arbetsdagar efter anmälan",
        "en gemensam skyddsplan med en ansvarig kontaktperson", "utbildning för {staff} i {topic}",
        "handledning {freq}", "stödsamtal enskilt och i grupp", "en namngiven kontaktperson {unit_at}",
        "information på {language}, {language2} och lättläst svenska", "uppföljning efter {n_small} månader",
        "en checklista för {topic}", "gemensamma ärendedragningar med {unit2}",
        "digitala stödsamtal för den som bor långt från {place}", "riskbedömning med {risk_tool}",
        "eget stöd till barnen", "hjälp med bostad och ekonomi", "rutiner för {rare}", "omprövning av bedömningen vid ändrade omständigheter",
    ],
    "res": [
        "{N} genomförda stödsamtal under {year}", "{pct} procent färre avbrutna kontakter",
        "kortare väntetider till ett första samtal", "{n} nya samverkansrutiner", "{N} utbildade medarbetare",
        "fler orosanmälningar från skola och förskola", "en gemensam lägesbild för {places}",
    ],
    "fram": [
        "{factor}", "{factor2}", "tydliga kontaktvägar mellan {unit} och {unit2}", "stöd från {fund}",
        "att {tg_def} fick vara med och forma insatsen", "korta och återkommande utbildningstillfällen",
        "gemensamma mallar för dokumentation",
    ],
}

SECTIONS = [
    ("Bakgrund", "bak", 0.20),
    ("Vad gjordes", "vad", 0.30),
    ("Resultat", "res", 0.20),
    ("Framgångsfaktorer", "fram", 0.15),
    ("Överförbarhet", "over", 0.15),
]
HEADING_WORDS = sum(1 + len(h.split()) for h, _, _ in SECTIONS)

_GENERIC = {"bak": BAKGRUND, "vad": VAD, "res": RESULTAT, "fram": FRAMGANG, "over": OVERFOR}


def _pool(section: str, doc: dict) -> tuple[list, list]:
    """Templates for one section of one document, with weights (specific ones favoured)."""
    templates = list(_GENERIC[section])
    weights = [1.0 / (i + 1) ** 0.45 for i in range(len(templates))]
    extra: list = []
    if section == "bak":
        for vf in doc["violence_forms"]:
            extra += BAKGRUND_VF[vf]
    elif section == "vad":
        for m in doc["measure_types"]:
            extra += VAD_MEASURE[m]
    elif section == "res":
        extra += RESULTAT_EVAL[doc["evaluation"]]
    templates += extra
    weights += [1.3] * len(extra)
    return templates, weights


# --------------------------------------------------------------------------------------
# Slot filling
# --------------------------------------------------------------------------------------


def _join(items: list) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " och " + items[-1]


class Ctx(dict):
    """Slot values: fixed per document are stored; the rest are drawn anew on every use."""

    def __init__(self, rng: random.Random, doc: dict, fixed: dict):
        super().__init__(fixed)
        self.rng = rng
        self.doc = doc
        self.last: dict = {}

    def _other(self, key: str, draw, tries: int = 6):
        value = draw()
        for _ in range(tries):
            if value != self.last.get(key):
                break
            value = draw()
        return value

    def __missing__(self, key: str):
        if key.endswith("_cap"):
            return cap(self[key[:-4]])
        rng, d = self.rng, self.doc
        if key in ("org", "unit", "village", "staff", "factor", "tg", "language", "muni_other"):
            value = SLOT[key](self)
            self.last[key] = value
            return value
        if key.endswith("2") and key[:-1] in ("org", "unit", "village", "staff", "factor", "tg", "language", "muni_other"):
            base = key[:-1]
            return self._other(base, lambda: SLOT[base](self))
        if key == "got_support":
            if d["period"]["end_year"]:
                return f"fick {self['N']} {self['tg']} stöd"
            return f"har {self['N']} {self['tg']} fått stöd"
        if key == "n":
            return str(rng.randint(5, 40))
        if key == "n2":
            return str(rng.randint(2, 30))
        if key == "n_small":
            return str(rng.randint(2, 10))
        if key == "n_big":
            return str(rng.randint(14, 60))
        if key == "N":
            return thousands(int(40 + rng.paretovariate(1.2) * 40) if rng.random() < 0.5 else rng.randint(40, 400))
        if key == "N_big":
            return thousands(rng.randint(20, 400) * 100)
        if key == "kr_small":
            return thousands(rng.randint(2, 50) * 500)
        if key == "kr":
            return thousands(rng.randint(5, 120) * 5000)
        if key == "pct":
            return str(rng.randint(8, 92))
        if key == "pct_lo":
            return str(rng.randint(10, 45))
        if key == "pct_hi":
            return str(rng.randint(50, 95))
        if key == "n_word":
            return rng.choice(NUMWORDS)
        if key == "ordinal":
            return rng.choice(ORDINALS)
        if key == "grade":
            return str(rng.randint(4, 9))
        if key == "year":
            p = d["period"]
            return str(rng.randint(p["start_year"], p["end_year"] or min(2025, p["start_year"] + 6)))
        if key == "vf":
            return VF_TEXT[rng.choice(d["violence_forms"])].pick(rng)
        if key == "tg_v":
            return rng.choice(TARGETS[rng.choice(self["_victims"])][0])
        if key == "tg_def":
            return TARGETS[rng.choice(d["target_groups"])][1]
        if key == "tg_sg":
            return TARGETS[rng.choice(self["_victims"])][2]
        if key == "staff_sg":
            return STAFF.pick(rng)[1]
        if key == "unit_at":
            unit = self["unit"]
            return ("på " if unit.endswith(("mottagningen", "centralen", "huset", "boendet", "anstalten")) else "inom ") + unit
        if key in SIMPLE:
            return SIMPLE[key].pick(rng)
        raise KeyError(key)


SIMPLE = {
    "arena": ARENAS, "topic": TOPICS, "challenge": CHALLENGES, "solution": SOLUTIONS, "prereq": PREREQS,
    "resource": RESOURCES, "doc_def": DOCS_DEF, "agree": AGREE_ITEMS, "fund": FUNDS, "evaluator": EVALUATORS,
    "outcome": OUTCOMES, "outcome2": OUTCOMES, "risk_tool": RISK_TOOLS, "treatment": TREATMENTS,
    "hotline": HOTLINES, "freq": FREQS, "rare": RARE,
}

SLOT = {
    "org": lambda c: c.rng.choice(c["_orgs"]),
    "unit": lambda c: c.rng.choice(c["_units"]),
    "village": lambda c: c.rng.choice(c["_villages"]) if c.rng.random() < 0.75 else ALL_VILLAGES.pick(c.rng),
    "staff": lambda c: STAFF.pick(c.rng)[0],
    "factor": lambda c: FACTORS.pick(c.rng),
    "tg": lambda c: c.rng.choice(TARGETS[c.rng.choice(c.doc["target_groups"])][0]),
    "language": lambda c: LANGUAGES.pick(c.rng),
    "muni_other": lambda c: c.rng.choice(c["_other_munis"]),
}


def fill(template: str, ctx: Ctx) -> str:
    ctx.last.clear()
    text = template.format_map(ctx)
    return cap(text)


# --------------------------------------------------------------------------------------
# Document generation
# --------------------------------------------------------------------------------------


def _metadata(rng: random.Random) -> dict:
    owner = weighted(rng, OWNER_WEIGHT, 1)[0]
    kind = ORGS[owner][1]

    # partners: kommuner often partner with regional bodies, and the other way round
    n_partners = weighted(rng, {0: 4, 1: 4, 2: 3}, 1)[0]
    pw = {}
    for slug, (_, k, _, _) in ORGS.items():
        if slug == owner:
            continue
        w = OWNER_WEIGHT[slug]
        if k == "kommun":
            w *= 0.35 if kind == "kommun" else 0.6
        pw[slug] = w
    orgs = [owner] + weighted(rng, pw, n_partners)

    munis: list = []
    for slug in orgs:
        home = ORGS[slug][3]
        if ORGS[slug][1] == "kommun" and home not in munis:
            munis.append(home)
    if not munis and rng.random() < 0.3:
        pass  # a county-wide example: no municipality
    else:
        extra = weighted(rng, {0: 5, 1: 3, 2: 1.5}, 1)[0]
        if not munis:
            extra = max(1, extra)
        munis += weighted(rng, {m: w for m, w in MUNI_WEIGHT.items() if m not in munis}, extra)
    munis = munis[:3]

    mw = MEASURE_WEIGHT[kind]
    measures = weighted(rng, mw, weighted(rng, {1: 4, 2: 4, 3: 1.5}, 1)[0])

    vw = dict(VIOLENCE_WEIGHT)
    if kind in ("migration", "ideell"):
        vw["hedersrelaterat"] *= 3
    if "behandling" in measures:
        vw["nara-relation"] *= 3
    violence = weighted(rng, vw, weighted(rng, {1: 6, 2: 3}, 1)[0])

    gw: dict = {}
    for m in measures:
        for g in GOAL_OF_MEASURE[m]:
            gw[g] = gw.get(g, 0) + 3
    for g in ("forebyggande", "upptackt-skydd-stod", "brottsbekampning", "kunskap-metod"):
        gw[g] = gw.get(g, 0) + 0.3
    if kind in ("polis", "aklagare", "kriminalvard"):
        gw["brottsbekampning"] += 4
    goals = weighted(rng, gw, weighted(rng, {1: 5, 2: 4}, 1)[0])

    tw = dict(TARGET_WEIGHT)
    for key in measures + violence:
        for label, boost in TARGET_BOOST.get(key, {}).items():
            tw[label] += boost
    targets = weighted(rng, tw, weighted(rng, {1: 4, 2: 5, 3: 2}, 1)[0])

    evaluation = weighted(rng, {"ej-utvarderad": 4, "uppfoljd": 4, "utvarderad": 2}, 1)[0]
    start = rng.randint(2010, 2025)
    end = None
    if rng.random() < 0.45:
        end = min(2026, start + weighted(rng, {0: 1, 1: 3, 2: 4, 3: 3, 4: 2, 5: 1, 7: 1}, 1)[0])
    return {
        "organisations": orgs,
        "municipalities": munis,
        "violence_forms": violence,
        "goals": goals,
        "target_groups": targets,
        "measure_types": measures,
        "evaluation": evaluation,
        "period": {"start_year": start, "end_year": end},
    }


def _fixed_slots(rng: random.Random, doc: dict) -> dict:
    orgs = doc["organisations"]
    owner_name, kind = ORGS[orgs[0]][0], ORGS[orgs[0]][1]
    munis = doc["municipalities"]
    names = [ORGS[s][0] for s in orgs]
    extras = ["Länsstyrelsen Dalarna", "Region Dalarna", "Polisen", "kvinnojouren", "socialtjänsten"]
    org_pool = names + [x for x in extras if x not in names][: max(0, 3 - len(names))]
    units = []
    for s in orgs:
        units += UNITS[ORGS[s][1]]
    units += [u for u in COMMON_UNITS if u not in units][:3]
    villages = [v for m in munis for v in VILLAGES[m]] or [v for m in MUNICIPALITIES for v in VILLAGES[m]]
    others = [m for m in MUNICIPALITIES if m not in munis]
    victims = [t for t in doc["target_groups"] if TARGETS[t][3]] or ["våldsutsatta kvinnor"]
    project = PROJ_HEAD.pick(rng) + PROJ_TAIL.pick(rng)
    p = doc["period"]
    start, end = p["start_year"], p["end_year"]
    if end is None:
        period_text = f"sedan {start}"
        period_short = f"sedan {start}"
    elif end == start:
        period_text = f"under {start}"
        period_short = str(start)
    else:
        period_text = f"mellan {start} och {end}"
        period_short = f"{start}–{end}"
    partners = _join(names[1:]) if len(names) > 1 else rng.choice(
        ["länsgruppens övriga medlemmar", "socialtjänsten och polisen", "kvinnojouren och socialtjänsten",
         "flera av länets kommuner", "civilsamhället i länet"])
    if kind in DECIDERS:
        decider = rng.choice(DECIDERS[kind])
    else:
        decider = rng.choice(["ledningsgruppen", "styrelsen", "ledningen"])
    gen = owner_name if owner_name.endswith("s") else owner_name + "s"
    return {
        "owner": owner_name,
        "owner_gen": gen,
        "partners": partners,
        "place": munis[0] if munis else "Dalarna",
        "places": _join(munis) if munis else "hela länet",
        "project": project,
        "project_phrase": rng.choice(["projektet", "satsningen", "arbetet", "utvecklingsarbetet", "verksamheten"])
        + " " + project,
        "start": str(start),
        "prev": str(max(2009, start - 1)),
        "end": str(end) if end else "",
        "future": str(max(2026, (end or start) + 1)),
        "period_text": period_text,
        "period_short": period_short,
        "decider": decider,
        "v_driver": "drev" if end else "driver",
        "v_arbetar": "arbetade" if end else "arbetar",
        "v_genomfor": "genomförde" if end else "genomför",
        "v_riktar": "riktade" if end else "riktar",
        "v_handlar": "handlade" if end else "handlar",
        "owner_unit": rng.choice(UNITS[kind]),
        "method": rng.choice(METHOD_BY_MEASURE[rng.choice(doc["measure_types"])]),
        "_orgs": org_pool,
        "_units": units,
        "_villages": villages,
        "_other_munis": others,
        "_victims": victims,
    }


def _title(rng: random.Random, ctx: Ctx, doc: dict) -> str:
    for _ in range(20):
        measure = rng.choice(doc["measure_types"])
        mt, vp, tp = rng.choice(MEASURE_TITLE[measure])
        vf = rng.choice(doc["violence_forms"])
        group = rng.choice(doc["target_groups"])
        if measure == "behandling" and "våldsutövare" in doc["target_groups"]:
            group = "våldsutövare"
        elif measure in ("utbildning", "datainsamling") and "yrkesverksamma" in doc["target_groups"]:
            group = "yrkesverksamma"
        ctx.update({
            "mt": mt, "mt_l": mt[0].lower() + mt[1:], "vp": vp, "tp": tp,
            "vf_t": VF_TITLE[vf].pick(rng),
            "tg_t": rng.choice(TARGETS[group][0]),
            "org_a": ctx["_orgs"][0], "org_b": ctx["_orgs"][1] if len(ctx["_orgs"]) > 1 else "polisen",
        })
        title = fill(TITLE_TEMPLATES.pick(rng), ctx)
        n = len(re.findall(r"\w+", title))
        if 4 <= n and len(title.split()) <= 12 and len(title) <= 200:
            return title
    return f"{mt} {vp} {ctx['vf_t']} i {ctx['place']}"


def _summary(rng: random.Random, ctx: Ctx, doc: dict) -> str:
    parts = [fill(SUMMARY_FIRST.pick(rng), ctx)]
    if rng.random() < 0.85:
        parts.append(fill(SUMMARY_RESULT[doc["evaluation"]].pick(rng), ctx))
    if rng.random() < 0.5:
        last = SUMMARY_LAST_ENDED if doc["period"]["end_year"] else SUMMARY_LAST_ONGOING
        parts.append(fill(last.pick(rng), ctx))
    return " ".join(parts)[:1000]


def _bullets(rng: random.Random, ctx: Ctx, section: str) -> str:
    k = rng.randint(3, 5)
    items = rng.sample(BULLETS[section], min(k, len(BULLETS[section])))
    lines = [fill(t, ctx) for t in items]
    lines = [line[0].lower() + line[1:] if not line[:2].isupper() else line for line in lines]
    intro = BULLET_INTRO[section].pick(rng).replace("{k}", NUMWORDS[len(lines) - 2])
    body = "\n".join(f"- {line}{',' if i < len(lines) - 1 else '.'}" for i, line in enumerate(lines))
    return intro + "\n\n" + body


def _body(rng: random.Random, ctx: Ctx, doc: dict, words: int) -> str:
    target = words * rng.uniform(0.93, 1.05)
    limit = words * 1.13
    pools = {key: _pool(key, doc) for _, key, _ in SECTIONS}
    used: dict = {key: set() for _, key, _ in SECTIONS}
    blocks: dict = {key: [] for _, key, _ in SECTIONS}  # (kind, text, words)
    count = {key: 0 for _, key, _ in SECTIONS}
    total = HEADING_WORDS

    def draw(key: str) -> str:
        templates, weights = pools[key]
        for _ in range(4):
            i = rng.choices(range(len(templates)), weights)[0]
            if i not in used[key]:
                break
        used[key].add(i)
        return fill(templates[i], ctx)

    def add(key: str, kind: str, text: str) -> None:
        nonlocal total
        n = len(text.split())
        blocks[key].append((kind, text, n))
        count[key] += n
        total += n

    for _, key, _ in SECTIONS:
        add(key, "s", draw(key))
    if rng.random() < 0.5:
        key = weighted(rng, {"vad": 6, "fram": 2.5, "res": 1.5}, 1)[0]
        text = _bullets(rng, ctx, key)
        if total + len(text.split()) <= limit:
            add(key, "b", text)

    misses = 0
    while total < target and misses < 8:
        key = max(SECTIONS, key=lambda s: s[2] * target - count[s[1]] + rng.random() * 8)[1]
        sentence = draw(key)
        if total + len(sentence.split()) > limit:
            misses += 1
            continue
        add(key, "s", sentence)

    out = []
    for heading, key, _ in SECTIONS:
        out.append(f"## {heading}")
        paragraph: list = []
        size = rng.randint(2, 4)
        for kind, text, _ in blocks[key]:
            if kind == "b":
                if paragraph:
                    out.append(" ".join(paragraph))
                    paragraph = []
                out.append(text)
                continue
            paragraph.append(text)
            if len(paragraph) >= size:
                out.append(" ".join(paragraph))
                paragraph, size = [], rng.randint(2, 4)
        if paragraph:
            out.append(" ".join(paragraph))
    return "\n\n".join(out) + "\n"


def _tags(rng: random.Random, doc: dict, ctx: Ctx) -> list:
    pool: list = []
    for key in doc["measure_types"] + doc["violence_forms"]:
        pool += [t for t in TAGS[key] if t not in pool]
    extra = [m.lower() for m in doc["municipalities"]] + [ctx["project"].lower()]
    tags = rng.sample(pool, min(len(pool), weighted(rng, {1: 2, 2: 4, 3: 3}, 1)[0]))
    if rng.random() < 0.3:
        tags.append(rng.choice(extra))
    return tags[:4]


def _contact(rng: random.Random, doc: dict, ctx: Ctx) -> str:
    domain = ORGS[doc["organisations"][0]][2]
    r = rng.random()
    if r < 0.3:
        local = fold(ctx["project"])
    elif r < 0.45 and doc["municipalities"]:
        local = "kvinnofrid." + fold(doc["municipalities"][0])
    else:
        local = rng.choice(MAILBOXES)
    return f"{local}@{domain}.example"


def generate(count: int, seed: int = 42, words: int = 300) -> list[dict]:
    """`count` learning examples, the same for the same arguments."""
    rng = random.Random(seed)
    docs = []
    for _ in range(count):
        meta = _metadata(rng)
        ctx = Ctx(rng, meta, _fixed_slots(rng, meta))
        title = _title(rng, ctx, meta)
        summary = _summary(rng, ctx, meta)
        body = _body(rng, ctx, meta, words)
        docs.append({
            "title": title,
            "summary": summary,
            "body": body,
            "organisations": meta["organisations"],
            "municipalities": meta["municipalities"],
            "violence_forms": meta["violence_forms"],
            "goals": meta["goals"],
            "target_groups": meta["target_groups"],
            "measure_types": meta["measure_types"],
            "evaluation": meta["evaluation"],
            "period": meta["period"],
            "contact": _contact(rng, meta, ctx),
            "tags": _tags(rng, meta, ctx),
        })
    return docs


def write_jsonl(path: str, count: int, seed: int = 42, words: int = 300) -> None:
    """`count` examples as a file for `flask --app wiki examples import`: nine in ten published, the
    rest drafts (their organisations are the county group's, as `demo load` registers them)."""
    import json
    with open(path, "w", encoding="utf-8") as out:
        for n, doc in enumerate(generate(count, seed, words)):
            out.write(json.dumps({**doc, "status": "draft" if n % 10 == 0 else "published"}, ensure_ascii=False) + "\n")


def template_count() -> int:
    """Number of distinct sentence templates (titles and summaries included)."""
    n = sum(len(v) for v in _GENERIC.values())
    n += sum(len(v) for v in BAKGRUND_VF.values()) + sum(len(v) for v in VAD_MEASURE.values())
    n += sum(len(v) for v in RESULTAT_EVAL.values())
    n += len(TITLE_TEMPLATES.items) + len(SUMMARY_FIRST.items) + sum(len(z.items) for z in SUMMARY_RESULT.values())
    n += len(SUMMARY_LAST_ONGOING.items) + len(SUMMARY_LAST_ENDED.items)
    return n


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--jsonl":
    write_jsonl(sys.argv[2], int(sys.argv[3]))  # python3 bench/corpus.py --jsonl FILE COUNT
elif __name__ == "__main__":
    import json
    import math
    import time
    from collections import Counter

    N = 10_000
    t0 = time.perf_counter()
    docs = generate(N)
    elapsed = time.perf_counter() - t0

    assert docs == generate(N), "not deterministic"
    body_words = [len(d["body"].split()) for d in docs]
    freq: Counter = Counter()
    for d in docs:
        for text in (d["title"], d["summary"], d["body"]):
            freq.update(w.lower() for w in re.findall(r"[^\W\d_]+", text))
    titles = Counter(d["title"] for d in docs)
    dup_share = (N - len(titles)) / N
    ranked = sorted(freq.values(), reverse=True)[:1000]  # Zipf fit over the top 1,000 ranks
    xs = [math.log(r) for r in range(1, len(ranked) + 1)]
    ys = [math.log(f) for f in ranked]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)

    print(f"generation time for {N} docs: {elapsed:.2f} s")
    print(f"average body word count: {sum(body_words) / N:.1f} (min {min(body_words)}, max {max(body_words)})")
    print(f"distinct word forms: {len(freq)} ({sum(1 for f in freq.values() if f == 1)} occur once; "
          f"rank-frequency slope over top 1000 ranks {slope:.2f})")
    print(f"duplicate title share: {dup_share:.2%}")
    print(f"sentence templates: {template_count()}")
    for d in docs[:2]:
        print("\n" + "=" * 80)
        print(json.dumps({k: v for k, v in d.items() if k != "body"}, ensure_ascii=False, indent=2))
        print(d["body"])
