"""Controlled vocabularies of DOMAIN.md: ids are stored, Swedish labels are shown.

Labels are marked with `N_` for extraction and translated where they are shown.
"""

from .messages import N_

VIOLENCE_FORMS = {
    "nara-relation": N_("Våld i nära relation"),
    "hedersrelaterat": N_("Hedersrelaterat våld och förtryck"),
    "prostitution-sexualiserat": N_("Prostitution, människohandel och sexualiserat våld"),
}

GOALS = {
    "forebyggande": N_("Ett utökat och effektivt förebyggande arbete mot våld"),
    "upptackt-skydd-stod": N_("Förbättrad upptäckt av våld och starkare skydd och stöd"),
    "brottsbekampning": N_("Effektivare brottsbekämpning"),
    "kunskap-metod": N_("Förbättrad kunskap och metodutveckling"),
}

MEASURE_TYPES = {
    "forebyggande-insats": N_("Förebyggande insats"),
    "stod": N_("Stöd till våldsutsatta"),
    "utbildning": N_("Utbildning"),
    "samverkan": N_("Samverkan"),
    "riskbedomning": N_("Riskbedömning"),
    "behandling": N_("Behandling av våldsutövare"),
    "datainsamling": N_("Datainsamling"),
    "information": N_("Information och opinionsbildning"),
}

EVALUATIONS = {
    "ej-utvarderad": N_("Ej utvärderad"),
    "uppfoljd": N_("Uppföljd"),
    "utvarderad": N_("Utvärderad"),
}

MUNICIPALITIES = (
    "Avesta", "Borlänge", "Falun", "Gagnef", "Hedemora", "Leksand", "Ludvika",
    "Malung-Sälen", "Mora", "Orsa", "Rättvik", "Smedjebacken", "Säter", "Vansbro",
    "Älvdalen",
)

ORGANISATION_KINDS = {
    "lansstyrelse": N_("Länsstyrelse"),
    "region": N_("Region"),
    "hogskola": N_("Högskola"),
    "myndighet": N_("Myndighet"),
    "kommun": N_("Kommun"),
    "kvinnojour": N_("Kvinnojour"),
    "brottsofferjour": N_("Brottsofferjour"),
    "ideell": N_("Ideell organisation"),
    "barnahus": N_("Barnahus"),
}

STATUSES = {
    "draft": N_("Utkast"),
    "in_review": N_("Granskas"),
    "published": N_("Publicerad"),
    "archived": N_("Arkiverad"),
}

ROLES = {
    "member": N_("Medlem"),
    "coordinator": N_("Samordnare"),
    "auditor": N_("Granskare"),
    "admin": N_("Administratör"),
}
