"""Loading policy files: what is accepted, what is refused (one line naming the file), vendor ids."""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import RAW_POLICIES, policy_text

import analysis
from analysis.corpus import check_registered, plan_inputs, read_manifest, resolve_inputs
from analysis.errors import InputError, ManifestError
from analysis.loader import MAX_BYTES, Document, read_policy

GOOD = policy_text("We collect your e-mail address when you register an account.")


def refused(path: Path, problem: str, **kwargs: int) -> str:
    """read_policy must raise InputError with one line naming the file and the problem."""
    with pytest.raises(InputError) as info:
        read_policy(path, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message, message
    assert problem in message, message
    return message


def test_plain_text_is_loaded_verbatim(write_policy: Callable[..., Path]) -> None:
    path = write_policy("acme.txt", GOOD)
    doc = read_policy(path)
    assert (doc.vendor, doc.text, doc.fmt) == ("acme", GOOD, "txt")
    assert len(doc.sha256) == 64


def test_utf8_bom_is_removed_and_crlf_kept(write_policy: Callable[..., Path]) -> None:
    body = GOOD.replace("\n", "\r\n")
    doc = read_policy(write_policy("bom.txt", "\ufeff".encode() + body.encode()))
    assert doc.text == body


def test_explicit_vendor_id_wins(write_policy: Callable[..., Path]) -> None:
    assert read_policy(write_policy("x.txt", GOOD), vendor="acme").vendor == "acme"


def test_empty_file(write_policy: Callable[..., Path]) -> None:
    refused(write_policy("empty.txt", b""), "is empty")


def test_whitespace_only(write_policy: Callable[..., Path]) -> None:
    refused(write_policy("blank.txt", " \n\t\r\n  \n"), "only whitespace")


def test_binary_file(write_policy: Callable[..., Path]) -> None:
    refused(write_policy("blob.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + GOOD.encode()), "binary")


def test_invalid_utf8(write_policy: Callable[..., Path]) -> None:
    latin1 = GOOD.replace("e-mail", "é-mail").encode("latin-1")
    message = refused(write_policy("latin1.txt", latin1), "not valid UTF-8")
    assert "byte" in message


def test_utf16_with_bom(write_policy: Callable[..., Path]) -> None:
    refused(write_policy("wide.txt", GOOD.encode("utf-16")), "UTF-16")


def test_too_few_words(write_policy: Callable[..., Path]) -> None:
    refused(write_policy("short.txt", "We collect nothing."), "fewer than 20 words")
    words = [f"w{i}" for i in range(25)]
    refused(write_policy("nineteen.txt", "\n " + " ".join(words[:19]) + " \n\n"), "fewer than 20 words")
    assert read_policy(write_policy("twenty.txt", "\n " + " ".join(words[:20]) + " \n\n")).text
    assert read_policy(write_policy("twentyfive.txt", "\t".join(words))).text


def test_html_with_only_navigation(write_policy: Callable[..., Path]) -> None:
    page = ("<!DOCTYPE html><html><head><title>Privacy</title><style>a{}</style></head><body>"
            "<nav><a href='/'>Home</a> <a href='/p'>Privacy</a></nav><script>var x = 1;</script>"
            "<footer>Copyright</footer></body></html>")
    refused(write_policy("navonly.html", page), "no main text")


def test_large_file_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: instant, no disk use
        fh.truncate(50_000_000)
    refused(path, "too large")
    assert MAX_BYTES == 5_000_000


def test_size_limit_is_configurable(write_policy: Callable[..., Path]) -> None:
    path = write_policy("acme.txt", GOOD)
    refused(path, "too large", max_bytes=10)
    assert read_policy(path, max_bytes=len(GOOD.encode())).text == GOOD


def test_unknown_extension(write_policy: Callable[..., Path]) -> None:
    refused(write_policy("policy.pdf", GOOD), "unsupported file type '.pdf'")


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "nope.txt", "does not exist")


def test_broken_symlink(tmp_path: Path) -> None:
    link = tmp_path / "dangling.txt"
    link.symlink_to(tmp_path / "gone.txt")
    refused(link, "broken symbolic link")


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    refused(fifo, "not a regular file")


def test_parent_is_a_file(write_policy: Callable[..., Path]) -> None:
    parent = write_policy("notadir.txt", GOOD)
    refused(parent / "policy.txt", "cannot be read")


def test_directory_named_like_a_policy(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    refused(tmp_path / "folder.txt", "is a directory")


def test_permission_denied(write_policy: Callable[..., Path]) -> None:
    path = write_policy("secret.txt", GOOD)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reading; "
                        "test_fifo_is_refused_without_blocking and test_parent_is_a_file cover unreadable paths")
        refused(path, "permission denied")
    finally:
        path.chmod(0o644)


def test_html_main_text(write_policy: Callable[..., Path]) -> None:
    page = ("<html><head><script>SCRIPTTOKEN()</script><style>.x{color:red}</style></head><body>"
            "<header>HEADERTOKEN</header><nav>NAVTOKEN</nav><div role='navigation'>ROLETOKEN</div>"
            "<main><h1>Privacy</h1><p>We collect your e-mail address &amp; name when you sign up for an "
            "account with us.</p><ul><li>your name;</li><li>your phone number.</li></ul></main>"
            "<footer>FOOTERTOKEN</footer></body></html>")
    doc = read_policy(write_policy("shop.html", page))
    assert doc.fmt == "html" and doc.vendor == "shop"
    for token in ("SCRIPTTOKEN", "HEADERTOKEN", "NAVTOKEN", "ROLETOKEN", "FOOTERTOKEN", "color:red", "&amp;"):
        assert token not in doc.text
    assert "e-mail address & name" in doc.text
    assert "• your name;" in doc.text.splitlines()


def test_txt_file_holding_markup_is_read_as_text(write_policy: Callable[..., Path]) -> None:
    """The extension decides the format: a .txt with <body> in its first 2 KB stays plain text."""
    page = f"<!DOCTYPE html><html><body><p>{GOOD}</p></body></html>"
    doc = read_policy(write_policy("saved.txt", page))
    assert doc.fmt == "txt" and doc.text == page
    html_doc = read_policy(write_policy("saved.html", page))
    assert html_doc.fmt == "html" and html_doc.text.strip() == GOOD.strip()


# --------------------------------------------------------------------------- vendor ids and planning

def test_raw_policies_get_manifest_slugs() -> None:
    jobs = resolve_inputs([RAW_POLICIES])
    assert [v for v, _ in jobs] == sorted(r.vendor for r in read_manifest())


def test_seed_file_name_maps_to_manifest_slug(tmp_path: Path) -> None:
    reg = read_manifest()[0]
    copy = tmp_path / reg.source_file
    shutil.copyfile(RAW_POLICIES / f"{reg.vendor}.txt", copy)
    other = tmp_path / "someone_else.txt"
    other.write_text(GOOD, encoding="utf-8")
    assert resolve_inputs([copy, other]) == [(reg.vendor, copy), ("someone_else", other)]
    check_registered(read_policy(copy, reg.vendor))


def test_registered_raw_file_with_changed_bytes_is_refused() -> None:
    reg = read_manifest()[0]
    raw = RAW_POLICIES / f"{reg.vendor}.txt"
    changed = Document(path=str(raw), vendor=reg.vendor, text="x", sha256="0" * 64, fmt="txt")
    with pytest.raises(ManifestError, match="raw data must not change"):
        check_registered(changed)


def test_file_named_like_a_registered_source_with_other_bytes_is_not_that_vendor(tmp_path: Path) -> None:
    """Registration goes by content, never by name (issue 11)."""
    reg = read_manifest()[0]
    copy = tmp_path / reg.source_file
    copy.write_text((RAW_POLICIES / f"{reg.vendor}.txt").read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    assert resolve_inputs([copy]) == [(copy.stem, copy)]
    check_registered(read_policy(copy, copy.stem))


def test_same_vendor_id_twice_is_a_problem(write_policy: Callable[..., Path]) -> None:
    a_txt, a_html = write_policy("a.txt", GOOD), write_policy("a.html", f"<p>{GOOD}</p>")
    b_txt = write_policy("b.txt", GOOD)
    jobs, problems = plan_inputs([a_txt, a_html, b_txt])
    assert jobs == [("b", b_txt)]
    assert len(problems) == 1
    message = str(problems[0])
    assert str(a_txt) in message and str(a_html) in message and "'a'" in message


def test_same_file_named_twice_is_one_job() -> None:
    imou = RAW_POLICIES / "imou.txt"
    jobs, problems = plan_inputs([RAW_POLICIES, imou, RAW_POLICIES / ".." / "policies" / "imou.txt"])
    assert problems == [] and len(jobs) == 5


def test_directory_planning(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    mixed = tmp_path / "mixed"
    (mixed / "sub").mkdir(parents=True)
    (mixed / "sub" / "acme.txt").write_text(GOOD, encoding="utf-8")
    (mixed / "notes.md").write_text("x", encoding="utf-8")
    (mixed / ".hidden.txt").write_text("x", encoding="utf-8")
    jobs, problems = plan_inputs([tmp_path / "empty", mixed, tmp_path / "missing.txt"])
    assert jobs == [("acme", mixed / "sub" / "acme.txt")]
    messages = sorted(str(p) for p in problems)
    assert any("empty" in m and "no policy files" in m for m in messages)
    assert any("notes.md" in m and "unsupported" in m for m in messages)
    assert any("missing.txt" in m and "does not exist" in m for m in messages)
    assert not any(".hidden" in m for m in messages)


def test_extract_api_uses_cli_vendor_ids(tmp_path: Path) -> None:
    reg = read_manifest()[-1]
    copy = tmp_path / reg.source_file
    shutil.copyfile(RAW_POLICIES / f"{reg.vendor}.txt", copy)
    tables = analysis.extract([copy])
    assert set(tables["sentences"]["vendor"]) == {reg.vendor}


def test_html_list_items_wrapping_paragraphs_keep_their_bullet(write_policy: Callable[..., Path]) -> None:
    page = ("<title>TITLETOKEN</title><p>We collect the following data when you use the app and the lamp:</p>"
            "<ul><li><p>your name;</p></li><li></li><li><div><span>your e-mail</span> address.</div></li></ul>"
            f"<p>{GOOD}</p>")
    doc = read_policy(write_policy("wp.html", page))
    lines = [line for line in doc.text.splitlines() if line]
    assert lines[:3] == ["We collect the following data when you use the app and the lamp:",
                         "• your name;", "• your e-mail address."]
    assert "TITLETOKEN" not in doc.text
    items = [doc.text[r.start:r.end] for r in analysis.segment(doc.text) if r.kind == "list_item"]
    assert items == ["your name;", "your e-mail address."]
