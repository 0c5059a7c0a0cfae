"""The numpy inverter gives the postings Whoosh's own analysis and formats give, byte for byte."""

import pytest

from search_index.analysis import PART_SEPARATOR
from search_index.documents import schema
from search_index import inverter
from search_index.inverter import TextInverter
from search_index.posting_blocks import FieldPostings

pytestmark = pytest.mark.store_independent

FIELDS = schema()


def whoosh_postings(texts: list[str]) -> dict:
    """{field: {term: (docnums, weights, values)}} as each field's `index` gives them, document by
    document, and each document's lengths."""
    result: dict = {"text": {}, "exact": {}}
    lengths = []
    for docnum, text in enumerate(texts):
        length = {}
        for name in ("text", "exact"):
            length[name] = 0
            for tbytes, freq, weight, value in FIELDS[name].index(text):
                docs, weights, values = result[name].setdefault(tbytes.decode("utf-8"), ([], [], []))
                docs.append(docnum)
                weights.append(weight)
                values.append(value)
                length[name] += freq
        lengths.append((length["text"], length["exact"]))
    return {"postings": result, "lengths": lengths}


def as_lists(postings: FieldPostings) -> dict:
    result = {}
    ends = [*postings.starts.tolist()[1:], len(postings.docs)]
    bounds = postings.bounds.tolist()
    for term, start, end in zip(postings.terms, postings.starts.tolist(), ends):
        result[term.decode("utf-8")] = (postings.docs[start:end].tolist(), postings.weights[start:end].tolist(),
                                        [postings.values[bounds[i]:bounds[i + 1]] for i in range(start, end)])
    return result


def inverted(texts: list[str]) -> dict:
    inverter = TextInverter()
    lengths = [inverter.add(docnum, text) for docnum, text in enumerate(texts)]
    postings = inverter.postings(FIELDS["text"].format, FIELDS["exact"].format)
    return {"postings": {name: as_lists(FieldPostings.concatenated(list(found))) for name, found in postings.items()},
            "lengths": lengths}


@pytest.mark.parametrize("batch", [inverter.BATCH_WORDS, 5])
def test_titles_summaries_bodies_and_attachments_give_whooshs_postings(batch, monkeypatch):
    """Also in batches of a few words: each batch holds whole terms, a term of more words on its own."""
    monkeypatch.setattr(inverter, "BATCH_WORDS", batch)
    texts = [
        PART_SEPARATOR.join(["Skyddat boende i Falun", "Stöd till våldsutsatta kvinnor och barn.",
                             "Kvinnojouren och socialtjänsten samverkar. Vald och våld, VÅLD och våldet.",
                             "Bilagans text om skyddat boende och hedersrelaterat våld."]),
        PART_SEPARATOR.join(["Ett exempel", "", "och att det är man som"]),  # stop words only, but "man"
        "",
        PART_SEPARATOR.join(["Ålands Æble straße", "ÖVERSIKT över öar", "Ändå: ändå, Ånge"]),
        PART_SEPARATOR.join(["İstanbul İZMİR", "ΟΔΟΣ.ΑΒ ΟΔΟΣ'Α ΟΔΟΣ", "Σ σ ς"]),  # lower case by word here
    ]
    assert inverted(texts) == whoosh_postings(texts)


@pytest.mark.parametrize("batch", [inverter.BATCH_WORDS, 1000])
def test_long_gaps_and_many_positions_are_encoded_as_pickle_writes_them(batch, monkeypatch):
    """Deltas of one, two and four bytes, and a term with more positions than pickle writes in one
    batch."""
    monkeypatch.setattr(inverter, "BATCH_WORDS", batch)
    far = " ".join(["ord"] * 300 + ["kvinnojour"] + ["ord"] * 70_000 + ["kvinnojour"])
    many = " ".join(["samverkan"] * 1001 + ["skydd"] * 1000 + ["stöd"] * 2)
    texts = [PART_SEPARATOR.join(["Titel", "Sammanfattning", far]), many, "enda"]
    assert inverted(texts) == whoosh_postings(texts)


def test_an_inverter_with_no_documents_has_no_postings():
    assert inverted([]) == {"postings": {"text": {}, "exact": {}}, "lengths": []}
