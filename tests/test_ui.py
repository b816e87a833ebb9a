"""The Dagster UI in a real browser: dagster-webserver on a free port, headless Debian chromium driven
through the DevTools protocol, the global asset lineage page must draw every asset.

Screenshot: test-artifacts/asset-graph.png. Skipped when /usr/bin/chromium is absent."""
from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "test-artifacts" / "asset-graph.png"
ASSET_NAMES = ["source_documents", "documents", "facts", "performance_indicators",
               "prose_amounts", "validation_results", "dim_unit", "version_changes", "views"]
LINEAGE_PATH = "/asset-groups"  # "Global asset lineage" in dagster 1.13's UI
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Wide enough that the fitted graph shows full asset nodes (narrower: names are middle-truncated).
WINDOW = (2400, 2000)  # and tall enough for the warehouse group's nine tables
SERVER_START_SECONDS = 90
RENDER_SECONDS = 60

# Asset-node names inside the graph's SVG (not the sidebar or the catalog table).
GRAPH_NAMES_JS = ("[...document.querySelectorAll('svg foreignObject [class*=\"assetName\"]')]"
                  ".map(e => e.textContent.trim())")
SKIP_DIALOG_JS = ("(() => { const b = [...document.querySelectorAll('button')]"
                  ".find(b => b.textContent.trim() === 'Skip'); if (b) b.click(); return !!b; })()")
GROUP_BOXES_JS = "document.querySelectorAll('svg foreignObject').length"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group we started (the webserver has a code-server child), then SIGKILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=15)


def wait_for_server(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dagster-webserver exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"dagster-webserver not up after {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")


class DevTools:
    """The minimum of the Chrome DevTools protocol: call a method, evaluate JavaScript."""

    def __init__(self, websocket):
        self.websocket = websocket
        self.next_id = 0

    def call(self, method: str, **params):
        self.next_id += 1
        self.websocket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:  # events arrive interleaved with answers; skip them
            message = json.loads(self.websocket.recv(timeout=30))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def press_alt(self, key: str) -> None:
        for kind in ("rawKeyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, modifiers=1, key=key.lower(),
                      code=f"Key{key.upper()}", windowsVirtualKeyCode=ord(key.upper()))


def devtools_page_url(profile: Path, browser: subprocess.Popen) -> str:
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and browser.poll() is None:
        if port_file.exists() and port_file.read_text().strip():
            port = port_file.read_text().split()[0]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as response:
                pages = [t for t in json.load(response) if t["type"] == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.2)
    pytest.fail("chromium did not open its DevTools port")


def render_lineage(tools: DevTools, url: str) -> list[str]:
    """Open the lineage page, dismiss the newsletter dialog, expand all groups (Alt+E, the UI's
    shortcut; groups start collapsed), and wait until every asset node is drawn."""
    tools.call("Page.navigate", url=url)
    deadline = time.monotonic() + RENDER_SECONDS
    last_toggle = 0.0
    names: list[str] = []
    while time.monotonic() < deadline:
        time.sleep(0.5)
        if tools.js(SKIP_DIALOG_JS):
            continue
        names = tools.js(GRAPH_NAMES_JS) or []
        if all(name in names for name in ASSET_NAMES):
            time.sleep(1)  # let the fit-to-view animation settle before the screenshot
            return tools.js(GRAPH_NAMES_JS) or names
        # groups drawn but collapsed: expand them (a toggle, so not again while it takes effect, nor
        # once asset nodes are drawn: the graph draws only the nodes inside the view)
        if not names and (tools.js(GROUP_BOXES_JS) or 0) and time.monotonic() - last_toggle > 5:
            tools.press_alt("e")
            last_toggle = time.monotonic()
    return names


def test_asset_graph_renders_in_chromium(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    websockets_client = pytest.importorskip("websockets.sync.client")
    webserver = Path(sys.executable).parent / "dagster-webserver"
    if not webserver.exists():
        pytest.skip("dagster-webserver is not installed in this environment")

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "assets" / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home), "BUDGET_DUCKDB_PATH": str(tmp_path / "budget.duckdb"),
           "BUDGET_LANDING_DIR": str(tmp_path / "landing")}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = tmp_path / "webserver.log"
    profile = tmp_path / "chromium-profile"
    with server_log.open("wb") as log:
        server = subprocess.Popen(
            [str(webserver), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    browser = None
    try:
        wait_for_server(url, server, server_log)
        browser = subprocess.Popen(
            [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
             f"--window-size={WINDOW[0]},{WINDOW[1]}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        with websockets_client.connect(devtools_page_url(profile, browser), max_size=None) as websocket:
            tools = DevTools(websocket)
            names = render_lineage(tools, url + LINEAGE_PATH)
            SCREENSHOT.parent.mkdir(exist_ok=True)
            SCREENSHOT.write_bytes(base64.b64decode(tools.call("Page.captureScreenshot", format="png")["data"]))
        missing = [name for name in ASSET_NAMES if name not in names]
        assert not missing, f"asset nodes not drawn: {missing}; drawn: {names}; see {SCREENSHOT}"
    finally:
        if browser is not None:
            stop(browser)
        stop(server)
