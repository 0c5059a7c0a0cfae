"""Snippets find a query's folded terms in the text as written: in capitals, with å/ä/ö or
without, and words that start with a prefix; nothing else is marked."""

from search_index.snippets import snippet


def test_terms_are_marked_as_written_in_capitals_and_with_accents():
    found = snippet("Mot VÅLD i nära relationer. Våld minskar; Valde att stanna.", {"vald"}, set())
    assert "<mark>VÅLD</mark>" in found and "<mark>Våld</mark>" in found and "<mark>Valde</mark>" in found
    assert found.count("<mark>") == 3


def test_a_prefix_marks_the_words_it_starts():
    found = snippet("Kvinnojouren och KVINNOFRID i länet, inte mannen.", set(), {"kvinno"})
    assert found.count("<mark>") == 2 and "<mark>KVINNOFRID</mark>" in found


def test_a_folded_query_letter_matches_each_letter_that_folds_to_it():
    found = snippet("Stödet till Öppenvården och oppenvarden.", {"oppenvard"}, set())
    assert "<mark>Öppenvården</mark>" in found and "<mark>oppenvarden</mark>" in found
