"""Segmentation of each layout style, on small synthetic texts.

Every test also checks the offset invariant: a row's span is its verbatim, whitespace-trimmed
text, and list items start after their marker.
"""
from __future__ import annotations

import random
import re

import pytest

from analysis.segment import (
    KIND_HEADING,
    KIND_LIST_ITEM,
    KIND_SENTENCE,
    Segment,
    announced_lists_without_items,
    segment,
    split_sentences,
)

from conftest import RAW_POLICIES


def rows_of(text: str) -> list[tuple[str, str, int, str]]:
    """(kind, verbatim text, lead_in, section) of every row, after checking the offsets."""
    rows = segment(text)
    assert [r.sentence_id for r in rows] == list(range(len(rows)))
    for prev, r in zip(rows, rows[1:]):
        assert prev.end <= r.start, "rows overlap or are out of order"
    for r in rows:
        span = text[r.start:r.end]
        assert span and span == span.strip(), r
        assert r.kind in (KIND_HEADING, KIND_LIST_ITEM, KIND_SENTENCE)
    return [(r.kind, text[r.start:r.end], r.lead_in, r.section) for r in rows]


def by_text(text: str) -> dict[str, Segment]:
    return {text[r.start:r.end]: r for r in segment(text)}


NUMBERED = """Privacy Policy
1. Information We Collect
We collect your name when you register.
1.1 Account Data
We keep your account while it is open.
(ii) Special Cases
Some cases are handled by hand.
2. Sharing
We share data with partners.
2.1 Partners
We name our partners here.
"""


def test_numbered_headings_are_rows_with_heading_paths() -> None:
    rows = rows_of(NUMBERED)
    headings = [(t, s) for k, t, _, s in rows if k == KIND_HEADING]
    assert headings == [
        ("Privacy Policy", "Privacy Policy"),
        ("1. Information We Collect", "1. Information We Collect"),
        ("1.1 Account Data", "1. Information We Collect > 1.1 Account Data"),
        ("(ii) Special Cases", "1. Information We Collect > 1.1 Account Data > (ii) Special Cases"),
        ("2. Sharing", "2. Sharing"),
        ("2.1 Partners", "2. Sharing > 2.1 Partners"),
    ]
    sections = {t: s for k, t, _, s in rows if k == KIND_SENTENCE}
    assert sections["We collect your name when you register."] == "1. Information We Collect"
    assert sections["We keep your account while it is open."] == "1. Information We Collect > 1.1 Account Data"
    assert sections["Some cases are handled by hand."].endswith("> (ii) Special Cases")
    assert sections["We name our partners here."] == "2. Sharing > 2.1 Partners"


def test_deeper_number_after_jump_nests_under_current_section() -> None:
    text = "4. Sharing Your Data\nWe share data with partners.\n4.1 Advertising Partners\nWe work with ad networks.\n"
    row = by_text(text)["We work with ad networks."]
    assert row.section == "4. Sharing Your Data > 4.1 Advertising Partners"


def test_letter_with_parenthesis_is_a_subheading() -> None:
    text = "1. Your Rights\nYou have rights.\na) Access Requests\nYou may ask for a copy of your data.\n"
    rows = by_text(text)
    assert rows["a) Access Requests"].kind == KIND_HEADING
    assert rows["You may ask for a copy of your data."].section == "1. Your Rights > a) Access Requests"


def test_unnumbered_heading_lines() -> None:
    text = ("Who We Are\n\nAcme makes smart lamps for the home. We are based in Berlin.\n\n"
            "How We Use Data\n\nWe use data to run the lamps.\n")
    rows = rows_of(text)
    assert rows[0][:2] == (KIND_HEADING, "Who We Are")
    assert (KIND_SENTENCE, "We are based in Berlin.", -1, "Who We Are") in rows
    assert (KIND_HEADING, "How We Use Data", -1, "How We Use Data") in rows
    assert (KIND_SENTENCE, "We use data to run the lamps.", -1, "How We Use Data") in rows


@pytest.mark.parametrize("bullet", ["•", "⚫", "■"])
def test_bullets_are_list_items_pointing_to_their_lead_in(bullet: str) -> None:
    text = f"Our policy is short. We collect the following data:\n{bullet} your name;\n{bullet} your e-mail address.\n"
    rows = rows_of(text)
    assert rows == [
        (KIND_SENTENCE, "Our policy is short.", -1, ""),
        (KIND_SENTENCE, "We collect the following data:", -1, ""),
        (KIND_LIST_ITEM, "your name;", 1, ""),
        (KIND_LIST_ITEM, "your e-mail address.", 1, ""),
    ]


def test_numbered_items_ending_in_semicolons_are_list_items() -> None:
    text = ("We use data for these purposes:\n1. to provide the service;\n2. to improve the service;\n"
            "3) to obey the law.\n")
    rows = rows_of(text)
    assert rows[0] == (KIND_SENTENCE, "We use data for these purposes:", -1, "")
    assert rows[1:3] == [(KIND_LIST_ITEM, "to provide the service;", 0, ""),
                         (KIND_LIST_ITEM, "to improve the service;", 0, "")]
    assert rows[3][:2] == (KIND_LIST_ITEM, "to obey the law.")


def test_numbered_items_without_lead_in_are_still_list_items() -> None:
    rows = rows_of("1. When you register as our user;\n2. When you join our event;\n")
    assert [(k, t, lead) for k, t, lead, _ in rows] == [
        (KIND_LIST_ITEM, "When you register as our user;", -1),
        (KIND_LIST_ITEM, "When you join our event;", -1),
    ]


def test_nested_list_items_point_to_the_nearest_lead_in() -> None:
    text = "We collect:\n• Account data, including:\n  ◦ your name;\n  ◦ your e-mail address;\n• Device data.\n"
    assert rows_of(text) == [
        (KIND_SENTENCE, "We collect:", -1, ""),
        (KIND_LIST_ITEM, "Account data, including:", 0, ""),
        (KIND_LIST_ITEM, "your name;", 1, ""),
        (KIND_LIST_ITEM, "your e-mail address;", 1, ""),
        (KIND_LIST_ITEM, "Device data.", 0, ""),
    ]


def test_heading_after_a_list_ends_the_list() -> None:
    text = ("We collect:\n• your name;\n• your e-mail address.\nHow We Share Data\nWe share data with partners.\n"
            "3. Your Rights\nYou may ask us to delete your data.\n")
    rows = by_text(text)
    assert rows["How We Share Data"].kind == KIND_HEADING
    assert rows["We share data with partners."].section == "How We Share Data"
    assert rows["3. Your Rights"].kind == KIND_HEADING
    assert rows["You may ask us to delete your data."].section == "3. Your Rights"


def test_table_of_contents_then_restarted_numbering_is_a_heading() -> None:
    text = ("This policy covers:\n1. Collection\n2. Sharing\n\n1. Collection\nWe collect data when you register.\n"
            "2. Sharing\nWe share data with partners.\n")
    rows = rows_of(text)
    assert rows[:3] == [(KIND_SENTENCE, "This policy covers:", -1, ""),
                        (KIND_LIST_ITEM, "Collection", 0, ""), (KIND_LIST_ITEM, "Sharing", 0, "")]
    assert rows[3] == (KIND_HEADING, "1. Collection", -1, "1. Collection")
    assert rows[4] == (KIND_SENTENCE, "We collect data when you register.", -1, "1. Collection")
    assert rows[5] == (KIND_HEADING, "2. Sharing", -1, "2. Sharing")


def test_announced_list_without_items_is_reported() -> None:
    text = ("We collect these data:\n• your name.\n"
            "We may share your data for the following reasons:\n")
    rows = segment(text)
    missing = announced_lists_without_items(text, rows)
    assert [text[r.start:r.end] for r in missing] == ["We may share your data for the following reasons:"]
    assert rows[1].kind == KIND_LIST_ITEM and rows[1].lead_in == 0


def test_items_written_as_plain_paragraphs_are_not_a_missing_list() -> None:
    text = ("5.1 Disclosure\nWe might disclose your personal data for the following reasons:\n"
            "To our subsidiaries to provide the services you requested.\n"
            "To carriers to the extent that we need to deliver your orders.\n")
    assert announced_lists_without_items(text, segment(text)) == []


def test_table_of_contents_entries_are_no_evidence_and_name_top_level_sections() -> None:
    from analysis.segment import table_of_contents
    text = ("This policy includes the following contents:\n• How we use your data\n• Children's privacy\n"
            "How we use your data\n1. Service\nWe use your e-mail address to run the service.\n"
            "Children's privacy\nOur services are not directed to children under 13.\n")
    rows = segment(text)
    toc = table_of_contents(text, rows)
    assert [text[r.start:r.end] for r in rows if toc >> r.sentence_id & 1] == ["How we use your data",
                                                                             "Children's privacy"]
    children = next(r for r in rows if r.kind == KIND_HEADING and text[r.start:r.end] == "Children's privacy")
    assert children.section == "Children's privacy"  # not nested under "1. Service"


def test_a_date_line_is_no_heading() -> None:
    text = "Last update: [May 2021]\nShould you have any doubt, contact us through any of these methods.\n"
    assert segment(text)[0].kind != KIND_HEADING


def test_lead_in_at_end_of_text_has_no_items() -> None:
    text = "Please contact us by post at:\n"
    assert [text[r.start:r.end] for r in announced_lists_without_items(text, segment(text))] == [
        "Please contact us by post at:"]


@pytest.mark.parametrize("sentence", [
    "We share data with partners, e.g. Google Analytics, and with nobody else.",
    "We store data in the U.S. Department of Commerce list of safe places.",
    "We use one provider, i.e. Amazon Web Services, for hosting.",
    "Our office is at No. 5 Main Street in the city of London.",
])
def test_abbreviations_do_not_split_sentences(sentence: str) -> None:
    text = f"{sentence} We answer every question.\n"
    assert [t for _, t, _, _ in rows_of(text)] == [sentence, "We answer every question."]


def test_sentence_punctuation_splits() -> None:
    text = "This is a sentence! Is this one too? Yes. “Quoted,” he said. (Brackets stay.) 2024 was a year."
    assert [text[s:e] for s, e in split_sentences(text, 0, len(text))] == [
        "This is a sentence!", "Is this one too?", "Yes.", "“Quoted,” he said.", "(Brackets stay.)",
        "2024 was a year."]


def test_offsets_are_exact_with_indentation_crlf_and_blank_lines() -> None:
    text = "Intro\r\n\r\n   We collect:\r\n\t•   name;\r\n  •  email.\r\n\r\n  Last words here. And more.  \r\n"
    rows = rows_of(text)
    assert [(k, t) for k, t, _, _ in rows] == [
        (KIND_HEADING, "Intro"), (KIND_SENTENCE, "We collect:"), (KIND_LIST_ITEM, "name;"),
        (KIND_LIST_ITEM, "email."), (KIND_SENTENCE, "Last words here."), (KIND_SENTENCE, "And more.")]


def test_empty_and_blank_text() -> None:
    assert segment("") == []
    assert segment("\n \n\t\n") == []


# The sentence-end rule as a look-behind (its plainest statement): the segmenter's faster
# pattern consumes the end mark instead, and must find the same boundaries in any span.
_SENT_END_REFERENCE = re.compile(r"(?<=[.!?])[\"”’)\]]?\s+(?=[\"“‘(\[]?[A-Z0-9•⚫■●])|(?<=[。！？])\s*")


def test_sentence_end_pattern_finds_the_look_behind_boundaries_in_any_span() -> None:
    from analysis.segment import _SENT_END

    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW_POLICIES.glob("*.txt"))] + [
        "Ends here. Next one! And? “Quoted.” (Bracket.) 3. Four.", "文。次。。 終わり！ ?。A",
        ". A", "x.\nB", "a.  B", '"A." B', "e.g. The", "!A", "end.", "。", "",
    ]
    rng = random.Random(7)
    for text in texts:
        spans = [(0, len(text))] + [tuple(sorted(rng.sample(range(len(text) + 1), 2))) for _ in range(40)
                                    if len(text) > 1]
        for start, end in spans:
            expected = [(m.start(), m.end()) for m in _SENT_END_REFERENCE.finditer(text, start, end)]
            found = [(m.start(m.lastindex), m.end()) for m in _SENT_END.finditer(text, max(start - 1, 0), end)]
            assert found == expected, (text[start:end][:60], start, end)


def test_roman_and_letter_markers_of_up_to_four_letters_make_list_items() -> None:
    text = ("We collect the following data:\n\ni. names of users\nii. e-mail addresses\niii. phone numbers\n"
            "viii. device identifiers\nB) billing records of users\n")
    rows = rows_of(text)
    assert [(kind, body) for kind, body, _, _ in rows[1:]] == [
        (KIND_LIST_ITEM, "names of users"), (KIND_LIST_ITEM, "e-mail addresses"),
        (KIND_LIST_ITEM, "phone numbers"), (KIND_LIST_ITEM, "device identifiers"),
        (KIND_LIST_ITEM, "billing records of users")]
