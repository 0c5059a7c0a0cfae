"""Controlled vocabularies of DOMAIN.md: ids are stored, Swedish labels are shown."""

VIOLENCE_FORMS = {
    "nara-relation": "Våld i nära relation",
    "hedersrelaterat": "Hedersrelaterat våld och förtryck",
    "prostitution-sexualiserat": "Prostitution, människohandel och sexualiserat våld",
}

GOALS = {
    "forebyggande": "Ett utökat och effektivt förebyggande arbete mot våld",
    "upptackt-skydd-stod": "Förbättrad upptäckt av våld och starkare skydd och stöd",
    "brottsbekampning": "Effektivare brottsbekämpning",
    "kunskap-metod": "Förbättrad kunskap och metodutveckling",
}

MEASURE_TYPES = {
    "forebyggande-insats": "Förebyggande insats",
    "stod": "Stöd till våldsutsatta",
    "utbildning": "Utbildning",
    "samverkan": "Samverkan",
    "riskbedomning": "Riskbedömning",
    "behandling": "Behandling av våldsutövare",
    "datainsamling": "Datainsamling",
    "information": "Information och opinionsbildning",
}

EVALUATIONS = {
    "ej-utvarderad": "Ej utvärderad",
    "uppfoljd": "Uppföljd",
    "utvarderad": "Utvärderad",
}

MUNICIPALITIES = (
    "Avesta", "Borlänge", "Falun", "Gagnef", "Hedemora", "Leksand", "Ludvika",
    "Malung-Sälen", "Mora", "Orsa", "Rättvik", "Smedjebacken", "Säter", "Vansbro",
    "Älvdalen",
)

ORGANISATION_KINDS = {
    "lansstyrelse": "Länsstyrelse",
    "region": "Region",
    "hogskola": "Högskola",
    "myndighet": "Myndighet",
    "kommun": "Kommun",
    "kvinnojour": "Kvinnojour",
    "brottsofferjour": "Brottsofferjour",
    "ideell": "Ideell organisation",
    "barnahus": "Barnahus",
}

STATUSES = {
    "draft": "Utkast",
    "published": "Publicerad",
    "archived": "Arkiverad",
}

ROLES = {
    "member": "Medlem",
    "coordinator": "Samordnare",
    "auditor": "Granskare",
    "admin": "Administratör",
}
