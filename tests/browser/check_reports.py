"""Open the HTML reports and a malicious throwaway report in headless Chromium and check them.

For ``reports/index.html``, every report it links and a report rendered from a policy that
contains HTML/JS payloads, the checker (Chrome DevTools protocol over ``websocket-client``):

- screenshots the full page into ``reports/screenshots/<name>.png``;
- asserts every ``<img>`` loaded (``naturalWidth > 0``) and, from a screenshot of the image's
  box, that what the browser painted there is the image (mean pixel difference from the
  decoded source below :data:`SHOT_TOLERANCE`): a broken or missing image fails;
- asserts no cell looks unexecuted (an ``In [ ]:`` prompt);
- asserts no request failed (network error or HTTP status >= 400), no JS exception or
  console error occurred, and no dialog (``alert``) opened;
- for the malicious pages (a notebook report and a vendor label built from a policy full of
  payloads): asserts the payload markers were never set and the payload text is visible as text.

Before the real pages it checks a negative control: a copy of a report with one image's data
broken must fail the screenshot comparison, or the run fails (a check that cannot fail is no check).

Exit status 0 when every page passes; 1 with a list of problems otherwise.
"""
from __future__ import annotations

import argparse
import base64
import io
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import websocket
from PIL import Image, ImageChops, ImageStat

import analysis
from analysis import display, tables
from analysis.notebooks import render_notebook
from analysis.vendorpage import vendor_page

ROOT = Path(__file__).resolve().parents[2]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--hide-scrollbars", "--window-size=1280,900"]
#: The payloads of the brief, plus variants that would leave a marker if they ever ran.
PAYLOADS = ('<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>',
            "<script>window.__pwned = 1</script>", '<img src=y onerror="document.title=\'PWNED\'">',
            '<svg onload="window.__pwned = 2"></svg>')
MARKER_JS = "(window.__pwned === undefined) && (document.title !== 'PWNED')"
IMAGES_JS = ("JSON.stringify(Array.from(document.images).map(i => ({src: i.src.slice(0, 60), "
             "ok: i.complete && i.naturalWidth > 0})))")
RECTS_JS = ("JSON.stringify(Array.from(document.images).map((i, k) => {const r = i.getBoundingClientRect(); "
            "return {k: k, src: i.getAttribute('src') || '', x: r.left + window.scrollX, y: r.top + window.scrollY, "
            "w: r.width, h: r.height};}))")
UNEXECUTED_JS = ("Array.from(document.querySelectorAll('.jp-InputPrompt')).filter("
                 "p => /\\[\\s*\\]/.test(p.textContent)).length")
#: Largest mean absolute difference (0-255, per channel) between an image's screenshot and its source.
SHOT_TOLERANCE = 12.0
LOAD_TIMEOUT = 60.0


@dataclass
class PageResult:
    """What happened while one page loaded."""

    name: str
    problems: list[str] = field(default_factory=list)


class Page:
    """One DevTools page target, driven synchronously."""

    def __init__(self, ws_url: str) -> None:
        self.ws = websocket.create_connection(ws_url, timeout=LOAD_TIMEOUT, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params: object) -> dict:
        self.next_id += 1
        msg_id = self.next_id
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self._event(msg)

    def _event(self, msg: dict) -> None:
        if "method" not in msg:
            return
        self.events.append(msg)
        if msg["method"] == "Page.javascriptDialogOpening":  # never leave a dialog blocking the page
            self.ws.send(json.dumps({"id": 10_000 + len(self.events), "method": "Page.handleJavaScriptDialog",
                                     "params": {"accept": True}}))

    def wait_for(self, method: str, timeout: float = LOAD_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not any(e["method"] == method for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {timeout:.0f}s")
            self._event(json.loads(self.ws.recv()))

    def drain(self, seconds: float) -> None:
        """Collect events for a short while (late requests, timers)."""
        self.ws.settimeout(0.1)
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                try:
                    self._event(json.loads(self.ws.recv()))
                except websocket.WebSocketTimeoutException:
                    continue
        finally:
            self.ws.settimeout(LOAD_TIMEOUT)

    def evaluate(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        self.ws.close()


class Browser:
    """A headless Chromium with a fresh profile and the DevTools HTTP endpoint."""

    def __init__(self, executable: str) -> None:
        self.profile = tempfile.TemporaryDirectory(prefix="pl-chromium-")
        self.proc = subprocess.Popen([executable, *FLAGS, f"--user-data-dir={self.profile.name}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not start (no DevToolsActivePort)")
            time.sleep(0.1)
        self.port = int(port_file.read_text().splitlines()[0])

    def new_page(self) -> Page:
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - local DevTools endpoint
            target = json.load(resp)
        return Page(target["webSocketDebuggerUrl"])

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.profile.cleanup()


def _problems_from_events(events: list[dict]) -> list[str]:
    problems = []
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Network.loadingFailed" and not p.get("canceled"):
            problems.append(f"request failed: {p.get('errorText')} ({p.get('requestId')})")
        elif m == "Network.responseReceived" and p["response"].get("status", 200) >= 400:
            problems.append(f"HTTP {p['response']['status']} for {p['response']['url'][:100]}")
        elif m == "Runtime.exceptionThrown":
            problems.append(f"JS exception: {p['exceptionDetails'].get('text')}")
        elif m == "Runtime.consoleAPICalled" and p.get("type") == "error":
            problems.append(f"console error: {[a.get('value') for a in p.get('args', [])]}")
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            problems.append(f"browser log error: {p['entry'].get('text')} {p['entry'].get('url', '')[:100]}")
        elif m == "Page.javascriptDialogOpening":
            problems.append(f"a script opened a {p.get('type')} dialog: {p.get('message')!r} (injected script ran)")
    return problems


def _source_image(src: str, page: Path) -> Image.Image:
    """Decode an ``<img src>``: a base64 data URI or a file next to the page."""
    if src.startswith("data:"):
        return Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1], validate=True)))
    return Image.open(page.parent / src)


def _flat(image: Image.Image) -> Image.Image:
    """RGB on white (transparent pixels painted white, as the page shows them)."""
    image = image.convert("RGBA")
    canvas = Image.new("RGBA", image.size, "white")
    return Image.alpha_composite(canvas, image).convert("RGB")


def screenshot_problems(page: Page, path: Path) -> list[str]:
    """Compare a screenshot of each image's box with the decoded image; one problem per mismatch."""
    problems = []
    for rect in json.loads(page.evaluate(RECTS_JS)):
        name = f"image {rect['k'] + 1} ({rect['src'][:40]})"
        width, height = round(rect["w"]), round(rect["h"])
        if width < 2 or height < 2:
            problems.append(f"screenshot: {name} painted {width}x{height} px (did not render)")
            continue
        clip = {"x": rect["x"], "y": rect["y"], "width": rect["w"], "height": rect["h"], "scale": 1}
        shot = page.call("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)
        painted = _flat(Image.open(io.BytesIO(base64.b64decode(shot["data"]))))
        try:
            source = _flat(_source_image(rect["src"], path)).resize(painted.size, Image.Resampling.LANCZOS)
        except (OSError, ValueError) as exc:
            problems.append(f"screenshot: {name} has no decodable source ({type(exc).__name__})")
            continue
        diff = sum(ImageStat.Stat(ImageChops.difference(painted, source)).mean) / 3
        if diff > SHOT_TOLERANCE:
            problems.append(f"screenshot: {name} does not show its image (mean difference {diff:.1f})")
    return problems


def check_page(browser: Browser, path: Path, shots: Path, malicious: bool = False) -> PageResult:
    """Load one HTML file and return the problems found."""
    result = PageResult(path.name)
    page = browser.new_page()
    try:
        for domain in ("Page", "Runtime", "Network", "Log"):
            page.call(f"{domain}.enable")
        page.call("Page.navigate", url=path.resolve().as_uri())
        page.wait_for("Page.loadEventFired")
        page.drain(0.5)
        images = json.loads(page.evaluate(IMAGES_JS))
        result.problems += [f"image did not load: {i['src']}" for i in images if not i["ok"]]
        result.problems += screenshot_problems(page, path)
        unexecuted = page.evaluate(UNEXECUTED_JS)
        if unexecuted:
            result.problems.append(f"{unexecuted} cell(s) look unexecuted (empty 'In [ ]:' prompt)")
        if malicious:
            if not page.evaluate(MARKER_JS):
                result.problems.append("an injected payload ran (marker set)")
            text = page.evaluate("document.body.innerText")
            result.problems += [f"payload not visible as text: {p}" for p in PAYLOADS if p not in text]
        metrics = page.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": min(size["width"], 2000), "height": min(size["height"], 16000), "scale": 1}
        shot = page.call("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)
        shots.mkdir(parents=True, exist_ok=True)
        (shots / f"{path.stem}.png").write_bytes(base64.b64decode(shot["data"]))
        result.problems += _problems_from_events(page.events)
    finally:
        page.close()
    return result


def build_malicious_report(workdir: Path) -> list[Path]:
    """Extract a policy full of payloads with the CLI; render its evidence like a report and its vendor label."""
    policy = workdir / "evil_vendor.txt"
    policy.write_text(
        "Evil Vendor Privacy Policy\n\n"
        f"We collect your email address and phone number {PAYLOADS[0]} when you register.\n\n"
        f"We may share your personal information with advertising partners {PAYLOADS[1]}.\n\n"
        f"You have the right to request deletion of your personal data {PAYLOADS[2]}.\n\n"
        f"We collect your IP address {PAYLOADS[3]} and device identifiers {PAYLOADS[4]} {PAYLOADS[5]}.\n",
        encoding="utf-8")
    out = workdir / "processed"
    subprocess.run([sys.executable, "-m", "analysis", "extract", str(policy), "--out", str(out), "--quiet"],
                   check=True, cwd=ROOT)
    data = analysis.load_processed(str(out))
    evidence = tables.evidence_table(data["practices"], data["sentences"])
    if not evidence["Quote"].str.contains("<script>", regex=False).any():
        raise RuntimeError("the malicious payload did not reach the evidence table; the check would be vacuous")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Malicious policy\n\nEvery payload below must show as text."),
                nbformat.v4.new_code_cell("show_evidence(evidence)", execution_count=1)]
    nb.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": display.evidence_html(evidence, fold_rows=10_000),
                                                     "text/plain": "evidence"}),
        nbformat.v4.new_output("display_data", data={
            "text/html": display.html_table(data["sentences"].set_index("vendor")[["section", "text"]],
                                            caption="Sentences"),
            "text/plain": "sentences"}),
    ]
    page = workdir / "malicious.html"
    page.write_text(render_notebook(nb, "malicious"), encoding="utf-8")
    label = workdir / "vendors" / "malicious_label.html"
    label.parent.mkdir()
    label.write_text(vendor_page(str(data["sentences"]["vendor"].iloc[0]), data), encoding="utf-8")
    if "&lt;script&gt;" not in label.read_text(encoding="utf-8"):
        raise RuntimeError("the malicious payload did not reach the vendor page; the check would be vacuous")
    return [page, label]


def broken_image_copies(reports: Path, workdir: Path) -> list[Path]:
    """Negative controls from the first report with an image: its image data broken, and its images not painted.

    The first cannot load (the browser shows a broken-image icon); the second loads
    (``naturalWidth > 0``) but is invisible, so only the screenshot comparison can catch it.
    """
    for page in report_pages(reports)[1:]:
        text = page.read_text(encoding="utf-8")
        match = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]{200})', text)
        if match:
            broken = workdir / f"broken_{page.name}"
            broken.write_text(text[:match.start(1)] + "AAAA" + text[match.start(1):], encoding="utf-8")
            hidden = workdir / f"unpainted_{page.name}"
            hidden.write_text(text.replace("</head>", "<style>img{opacity:0}</style></head>", 1), encoding="utf-8")
            return [broken, hidden]
    raise RuntimeError("no report has an embedded image; the screenshot check would be vacuous")


def report_pages(reports: Path) -> list[Path]:
    """reports/index.html and every local page it links to."""
    import re

    index = reports / "index.html"
    links = re.findall(r'href="([^"#:]+\.html)"', index.read_text(encoding="utf-8"))
    return [index, *(reports / link for link in dict.fromkeys(links))]


def main(argv: list[str] | None = None) -> int:
    """Run the checks; print one line per page."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--reports", type=Path, default=ROOT / "reports")
    args = parser.parse_args(argv)
    shots = args.reports / "screenshots"
    failed = False
    n_ok = n_failed = 0
    with tempfile.TemporaryDirectory(prefix="pl-evil-") as tmp:
        malicious = build_malicious_report(Path(tmp))
        browser = Browser(args.chromium)
        try:
            for copy in broken_image_copies(args.reports, Path(tmp)):
                control = check_page(browser, copy, Path(tmp) / "shots")
                caught = [p for p in control.problems if p.startswith("screenshot:")]
                print(f"{'ok  ' if caught else 'FAIL'} negative control {control.name}: "
                      + (caught[0] if caught else "a broken image passed the screenshot check"))
                failed |= not caught
            pages = [(p, False) for p in report_pages(args.reports)] + [(m, True) for m in malicious]
            for path, is_malicious in pages:
                if not path.is_file():
                    print(f"FAIL {path}: missing")
                    failed = True
                    n_failed += 1
                    continue
                result = check_page(browser, path, shots, malicious=is_malicious)
                status = "FAIL" if result.problems else "ok  "
                print(f"{status} {result.name}" + (" (malicious policy)" if is_malicious else ""))
                for problem in result.problems:
                    print(f"     - {problem}")
                failed |= bool(result.problems)
                n_failed += bool(result.problems)
                n_ok += not result.problems
        finally:
            browser.close()
    print(f"screenshots in {shots}")
    print(f"browser: {n_ok} passed, {n_failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
