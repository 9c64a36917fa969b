"""The codebook covers the taxonomy, refuses broken entries, and respects negation."""
from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, policy_text

import analysis
from analysis.codebook import DIMENSIONS, compile_pattern
from analysis.errors import CodebookError
from analysis.loader import Document

CODEBOOK = ROOT / "data" / "codebook.yaml"
TAXONOMY = ROOT / "data" / "taxonomy.yaml"


@pytest.fixture(scope="module")
def codebook_data() -> dict[str, Any]:
    return yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def taxonomy_codes() -> dict[str, str]:
    tax = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    return {code: dim for dim in DIMENSIONS for code in tax[dim]}


def test_every_taxonomy_code_has_patterns_and_a_definition(codebook_data: dict[str, Any],
                                                           taxonomy_codes: dict[str, str]) -> None:
    codes = codebook_data["codes"]
    assert set(taxonomy_codes) <= set(codes)
    for extra in set(codes) - set(taxonomy_codes):  # the codebook may add codes, each naming its dimension
        assert codes[extra]["dimension"] in analysis.codebook.DIMENSIONS, extra
    for code in taxonomy_codes:
        entry = codes[code]
        assert str(entry.get("definition", "")).strip(), f"{code} has no definition"
        patterns = entry.get("patterns")
        assert isinstance(patterns, list) and len(patterns) >= 1, f"{code} has no pattern"
        assert all(isinstance(p, str) and p.strip() for p in patterns), code


def test_committed_codebook_loads_in_taxonomy_order(taxonomy_codes: dict[str, str]) -> None:
    book = analysis.load_codebook()
    assert [r.code for r in book.rules][:len(taxonomy_codes)] == list(taxonomy_codes)
    assert all(r.code not in taxonomy_codes for r in book.rules[len(taxonomy_codes):])
    assert {r.code: r.dimension for r in book.rules if r.code in taxonomy_codes} == taxonomy_codes
    assert all(r.definition and r.label for r in book.rules)


# --------------------------------------------------------------------------- validation

Mutation = Callable[[dict[str, Any]], None]


def _set(code: str, key: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["codes"][code][key] = value
    return mutate


def _add_unknown(data: dict[str, Any]) -> None:
    data["codes"]["contact.telepathy"] = copy.deepcopy(data["codes"]["contact.email"])


def _drop(code: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        del data["codes"][code]
    return mutate


CASES: dict[str, tuple[Mutation, str, str]] = {
    # name: (mutation, code named in the message, words of the problem)
    "unknown_code": (_add_unknown, "contact.telepathy", "unknown code"),
    "missing_code": (_drop("contact.phone"), "contact.phone", "has no entry"),
    "empty_patterns": (_set("contact.email", "patterns", []), "contact.email", "pattern list is empty"),
    "patterns_not_a_list": (_set("contact.email", "patterns", {"a": "b"}), "contact.email", "must be a list"),
    "invalid_regex": (_set("contact.email", "patterns", ["(unclosed"]), "contact.email", "invalid regex"),
    "nested_plus": (_set("contact.email", "patterns", ["(a+)+b"]), "contact.email", "catastrophic"),
    "nested_star": (_set("contact.email", "patterns", [r"(\w+\s?)*x"]), "contact.email", "catastrophic"),
    "catastrophic_exclude": (_set("contact.name", "exclude", [r"(?:\d+)+$"]), "contact.name", "catastrophic"),
    "unknown_context": (_set("contact.email", "requires", "telepathy"), "contact.email", "unknown context"),
    "context_not_a_name": (_set("contact.email", "requires", ["collect"]), "contact.email", "unknown context"),
    "no_definition": (_set("contact.email", "definition", " "), "contact.email", "no definition"),
    "negatable_not_bool": (_set("contact.email", "negatable", "no"), "contact.email", "true or false"),
    "entry_not_mapping": (_set("contact.email", "patterns", None), "contact.email", "pattern list is empty"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_invalid_codebook_raises_naming_the_code(case: str, codebook_data: dict[str, Any], tmp_path: Path) -> None:
    mutate, code, problem = CASES[case]
    data = copy.deepcopy(codebook_data)
    mutate(data)
    path = tmp_path / f"codebook_{case}.yaml"  # distinct path: load_codebook caches by path
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        analysis.load_codebook(path)
    message = str(info.value)
    assert code in message and problem in message, message
    assert str(path) in message and "\n" not in message


def test_unmodified_copy_loads(codebook_data: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "codebook_copy.yaml"
    path.write_text(yaml.safe_dump(codebook_data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert len(analysis.load_codebook(path).rules) == len(codebook_data["codes"])


@pytest.mark.parametrize("text", ["codes: [unclosed\n  - x: : :\n", "codes:\n  a: 1\n b: 2\n", "- just\n- a list\n"])
def test_invalid_yaml_raises_naming_the_file(text: str, tmp_path: Path) -> None:
    path = tmp_path / f"broken_{abs(hash(text))}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match=re.escape(str(path))):
        analysis.load_codebook(path)


def test_missing_codebook_file(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="cannot be read"):
        analysis.load_codebook(tmp_path / "nope.yaml")


def test_nested_repeat_check_accepts_unnested_equivalents() -> None:
    """Only nested unbounded repeats are refused; the usual flat phrase patterns pass."""
    for bad in [r"(a+)+b", r"(\w+\s?)*x", r"(?:x|(?:\s*\w+)+)y", r"(?=(a*)+)b"]:
        with pytest.raises(CodebookError):
            compile_pattern("test", [bad])
    for good in [r"\w+\s?x", r"\b(?:e-?mail|phone)\s+address(?:es)?\b", r"(?:\w+\s+){0,3}?data"]:
        assert compile_pattern("test", [good]).pattern


# --------------------------------------------------------------------------- negation

def codes_for(sentence: str) -> set[str]:
    """Codes found by analyse() in a small document made of the sentence and neutral filler."""
    text = policy_text(sentence)
    doc = Document(path="synthetic.txt", vendor="synthetic", text=text, sha256="x", fmt="txt")
    result = analysis.analyse(doc)
    for row in result.practices:
        assert text[row[5]:row[6]] == row[7]
    return {row[2] for row in result.practices if row[3] == "states"}


def denials_for(sentence: str) -> set[str]:
    """Codes that the sentence denies ("we do not collect audio")."""
    doc = Document(path="synthetic.txt", vendor="synthetic", text=policy_text(sentence), sha256="x", fmt="txt")
    return {row[2] for row in analysis.analyse(doc).practices if row[3] == "denies"}


@pytest.mark.parametrize(("sentence", "code"), [
    ("We do not collect audio recordings from your device.", "content.audio"),
    ("We do not sell, rent or trade your personal information to advertisers.", "recipient.advertising"),
    ("We will never share your personal data with advertising networks.", "recipient.advertising"),
    ("We do not knowingly collect your precise GPS location.", "location.precise"),
])
def test_denial_is_a_finding_with_polarity_denies(sentence: str, code: str) -> None:
    assert code in denials_for(sentence)
    assert code not in codes_for(sentence)


@pytest.mark.parametrize(("sentence", "code"), [
    # the negator denies another verb: silent on the practice, not a denial
    ("We cannot control the actions of other users with whom you may choose to share your content.",
     "recipient.other_users"),
    ("This policy does not cover the use of cookies by our partners.", "tracking.cookies"),
    # a condition is not a denial
    ("If you do not provide your e-mail address, we cannot create an account.", "contact.email"),
])
def test_a_negator_of_another_verb_or_a_condition_is_no_denial(sentence: str, code: str) -> None:
    assert code not in denials_for(sentence)


def test_statement_wins_over_denial_in_one_sentence() -> None:
    sentence = "We do not sell your data to advertisers, but we share it with advertising partners to show you ads."
    assert "recipient.advertising" in codes_for(sentence)
    assert "recipient.advertising" not in denials_for(sentence)


def test_filler_alone_has_no_codes() -> None:
    assert codes_for("Hello.") == set()


def test_no_sale_is_a_practice_not_a_recipient() -> None:
    found = codes_for("We do not sell your personal information.")
    assert "practice.no_sale" in found
    assert not {c for c in found if c.startswith("recipient.")}


def test_denied_sharing_with_advertisers_is_not_a_recipient() -> None:
    assert "recipient.advertising" not in codes_for("We will not share your data with advertisers.")
    assert "recipient.advertising" in codes_for("We will share your data with advertisers.")


def test_exception_turns_a_denial_into_a_recipient() -> None:
    found = codes_for("We will not share your information with third parties except service providers")
    assert "recipient.service_providers" in found


def test_denied_collection_is_not_a_data_type() -> None:
    assert not {c for c in codes_for("We do not collect your location.") if c.startswith("location.")}
    assert {c for c in codes_for("We collect your location.") if c.startswith("location.")}


@pytest.mark.parametrize(("sentence", "code"), [
    # each would be found without the veto (a collection verb stands in the sentence)
    ("If you want to change the e-mail address we hold about you, you can do so in the app settings.",
     "contact.email"),
    ("You can set your browser to refuse the cookies we use.", "tracking.cookies"),
    ("You may opt out of receiving e-mails we send to your e-mail address.", "contact.email"),
    ("Request the transfer of your personal data to you or to a third party.", "recipient.third_parties"),
])
def test_a_sentence_about_the_users_own_choice_is_no_collection_or_sharing(sentence: str, code: str) -> None:
    assert code not in codes_for(sentence)


@pytest.mark.parametrize(("sentence", "code"), [
    ("We collect your e-mail address to prevent fraud.", "contact.email"),
    ("We may share your personal data with third parties for analytics.", "recipient.third_parties"),
    ("These may include the right (i) to request access to your data and (ii) to request its erasure.",
     "right.erasure"),
])
def test_statements_the_vetoes_leave_alone(sentence: str, code: str) -> None:
    text = "You have certain rights. " + sentence if sentence.startswith("These") else sentence
    assert code in codes_for(text)


def test_third_parties_are_not_service_providers() -> None:
    found = codes_for("We may disclose your personal information to third parties.")
    assert "recipient.third_parties" in found and "recipient.service_providers" not in found


def test_a_lead_in_right_carries_to_clause_items_not_to_titled_items() -> None:
    text = policy_text("You may ask us to delete your personal data in the following cases:\n"
                       "• our processing of your data breaks the law;\n"
                       "• you no longer use our services.\n")
    doc = Document(path="t.txt", vendor="t", text=text, sha256="x", fmt="txt")
    rows = {text[r[5]:r[6]] for r in analysis.analyse(doc).practices if r[2] == "right.erasure"}
    assert "you no longer use our services." in rows and "our processing of your data breaks the law;" in rows
    text = policy_text("You may restrict the processing of your personal data in these ways:\n"
                       "• Withdrawal of consent\n• Deletion of your account\n")
    doc = Document(path="t.txt", vendor="t", text=text, sha256="x", fmt="txt")
    rows = {text[r[5]:r[6]] for r in analysis.analyse(doc).practices if r[2] == "right.restriction"}
    assert "Withdrawal of consent" not in rows


def test_a_purpose_under_a_collection_heading_is_no_statement_of_collection() -> None:
    text = policy_text("When you use the reset function\n"
                       "To allow you to protect your device by adding a password.\n")
    doc = Document(path="t.txt", vendor="t", text=text, sha256="x", fmt="txt")
    assert "account.credentials" not in {r[2] for r in analysis.analyse(doc).practices}
    text = policy_text("When you use the reset function\nYour device password and e-mail address.\n")
    doc = Document(path="t.txt", vendor="t", text=text, sha256="x", fmt="txt")
    assert "account.credentials" in {r[2] for r in analysis.analyse(doc).practices}


@pytest.mark.parametrize(("sentence", "code"), [
    # rights in words the earlier patterns missed
    ("If you have given us your personal information and want us to delete it, please contact us.", "right.erasure"),
    ("Users have the right to bring a claim before their competent data protection authority.", "right.complaint"),
    ("Each user has the right to request information on the processing of their personal data.", "right.access"),
    ("If you discover that information held about you is incorrect, you may contact us to have the information "
     "corrected.", "right.rectification"),
    ("You have the right to take your data with you to another service.", "right.portability"),
    ("You may ask us to restrict or delete personal information we hold about you.", "right.restriction"),
    ("The user can change his mind at any time by changing the consent.", "right.withdraw_consent"),
    # consent named as the ground of a processing act
    ("We may disclose your personal information for any other purpose with your consent.", "practice.legal_basis"),
    ("By using the app, you are consenting to the processing of your information.", "practice.legal_basis"),
    # how changes of the policy reach the reader
    ("The revised policy will be posted on this website.", "practice.change_notification"),
    ("Please check this privacy policy periodically for changes.", "practice.change_notification"),
    # security beyond encryption (the codebook's practice.security_measures)
    ("We have implemented technical and organisational measures to protect your personal data against "
     "unauthorised access.", "practice.security_measures"),
    ("No method of transmission over the Internet is 100% secure, and we cannot guarantee the security of your "
     "data.", "practice.security_measures"),
    ("We will release the latest privacy policy on this page whenever it changes.", "practice.change_notification"),
    ("The date this privacy policy was last revised is shown at the top of the page.", "practice.change_notification"),
    ("We process your personal data when we have your consent.", "practice.legal_basis"),
    ("Our service providers may be located in a country outside the area of the European Economic Area, and we may "
     "transfer your data to them.", "practice.intl_transfer"),
    ("We may instruct trusted third parties to perform services in respect of your personal data on our behalf.",
     "recipient.service_providers"),
    ("We use your e-mail address for direct marketing; you may opt out at any time.", "practice.marketing_use"),
    ("You may opt out of the collection, use and disclosure of your personal data for such purposes.",
     "right.objection"),
    ("We provide your data in a portable format that allows you to transfer it to another service.",
     "right.portability"),
    ("For the personal data in your account, you may also access and change them by e-mail.", "right.access"),
    ("The service may allow registered users to access their account information at any time.", "right.access"),
    ("You have the right to ask us not to contact you for marketing purposes.", "right.marketing_opt_out"),
    ("You can contact us at any time to decline promotional information.", "right.marketing_opt_out"),
    ("We may share your personal data with our affiliates and business partners.", "recipient.affiliates"),
    ("We request your e-mail address when you register.", "contact.email"),
    ("If a decision so made significantly affects your interests, you are entitled to request an explanation.",
     "practice.automated_decisions"),
    ("We may analyse your purchase information and service logs and produce indirect portraits of you.",
     "practice.automated_decisions"),
    ("Information you provide to us, such as your name and e-mail address.", "contact.email"),
    ("You have the right to contact the competent government authorities if you believe your rights were "
     "violated.", "right.complaint"),
])
def test_general_phrasings_are_found(sentence: str, code: str) -> None:
    assert code in codes_for(sentence)


@pytest.mark.parametrize(("sentence", "code"), [
    ("Where our use of the data is unlawful but you do not want us to erase it, you may ask us to restrict it.",
     "right.erasure"),
    ("You may not have access to certain features of the site if you disable cookies.", "right.access"),
    ("You can delete existing cookies from your browser at any time.", "right.erasure"),
    ("You can opt out at https://example.com/optout, which we operate for you.", "practice.encryption"),
    ("By using the Service, you agree to the collection and use of information in accordance with this policy.",
     "practice.legal_basis"),
    ("We periodically review our Privacy Policy, and we may update it to reflect changes in our practices.",
     "practice.change_notification"),
    ("Media Access Control address, network type and device log information are collected.",
     "practice.security_measures"),
    ("We may also be required to use technical measures that would require a change to our systems.",
     "practice.security_measures"),
    ("We will post an updated policy on this page and change the 'last updated' line above.",
     "recipient.social_networks"),
    ("Our app lets you delete videos within the app at any time.", "practice.retention_stated"),
    ("We may instruct trusted third parties to perform services in respect of your personal data on our behalf.",
     "recipient.third_parties"),
    ("You consent to the transfer of your information to any country where we have affiliates or where our service "
     "providers are located.", "recipient.service_providers"),
    ("You consent to the transfer of your information to any country where we have affiliates.",
     "recipient.affiliates"),
    # the user requesting, or the vendor providing the user with something, is no collection
    ("To assist you with resetting your password and the modifications you have requested.", "account.credentials"),
    ("We may analyse your purchase information and service logs and produce indirect portraits of you.",
     "account.profile"),
    ("We may use your e-mail address to provide you with information relating to goods and services of our "
     "business partners.",
     "recipient.service_providers"),
    # a use named only as what a right is about
    ("You have the right to object to the use of your personal data for direct marketing purposes.",
     "practice.marketing_use"),
    ("You also have the right to object where we are processing your personal data for direct marketing purposes.",
     "practice.marketing_use"),
])
def test_words_in_another_sense_are_no_evidence(sentence: str, code: str) -> None:
    assert code not in codes_for(sentence)
