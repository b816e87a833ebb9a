"""Whole-process timing: plain pdfplumber vs the domain pipeline vs the `budget ingest` CLI.

    .venv/bin/python scripts/benchmark.py [--runs 3] [--files A.pdf B.pdf ...]

Each run starts fresh interpreters (imports included), one per contender, over the same files:
  baseline  pdfplumber.open + page.extract_tables() + page.extract_text() on every page
  pipeline  extract_document + build_facts + build_indicators + build_prose_amounts +
            validate_document, sequentially in one process
  cli       `budget ingest FILES --db TMP` (only if .venv/bin/budget exists)
Default files: the PDFs of ../shared/corpus (files that are not PDFs, such as bad-dummy-17b.pdf,
are skipped so every contender reads the same files) plus data/samples/*.pdf.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
BIN = Path(sys.executable).parent
BUDGET = BIN / "budget"

BASELINE = r"""
import json, sys, pdfplumber
pages = 0
for path in json.loads(sys.argv[1]):
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.extract_text()
            page.close()
            pages += 1
print(pages)
"""

PIPELINE = r"""
import json, sys
from pipelines.model import DocumentError
from pipelines.process import process_document
facts = 0
for path in json.loads(sys.argv[1]):
    try:
        facts += len(process_document(path).facts)
    except DocumentError as exc:
        print(f"failed: {exc}", file=sys.stderr)
print(facts)
"""


def is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"%PDF-" in handle.read(1024)
    except OSError:
        return False


def default_files() -> list[Path]:
    files = sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []
    files += sorted((REPO / "data" / "samples").glob("*.pdf"))
    return files


def timed(command: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per contender (default 3)")
    parser.add_argument("--files", nargs="+", type=Path, help="PDF files (default: corpus + samples)")
    parser.add_argument("--no-cli", action="store_true", help="skip the `budget ingest` contender")
    args = parser.parse_args(argv)

    candidates = args.files or default_files()
    files = [p for p in candidates if is_pdf(p)]
    skipped = [p for p in candidates if p not in files]
    if not files:
        print("no PDF files to benchmark", file=sys.stderr)
        return 2
    names = json.dumps([str(p.resolve()) for p in files], ensure_ascii=False)
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    print(f"{len(files)} files, {args.runs} runs each"
          + (f"; skipped (not a PDF): {', '.join(p.name for p in skipped)}" if skipped else ""))

    contenders: dict[str, list[float]] = {"baseline": [], "pipeline": []}
    use_cli = BUDGET.exists() and not args.no_cli
    if use_cli:
        contenders["cli"] = []
    outputs: dict[str, str] = {}
    for run in range(1, args.runs + 1):
        for name in contenders:
            if name == "cli":
                with tempfile.TemporaryDirectory(prefix="budget-bench-") as tmp:
                    run_env = dict(env, DAGSTER_HOME=tmp)
                    command = [str(BUDGET), "ingest", *map(str, files), "--db", str(Path(tmp) / "bench.duckdb")]
                    seconds, done = timed(command, run_env)
            else:
                code = BASELINE if name == "baseline" else PIPELINE
                seconds, done = timed([sys.executable, "-c", code, names], env)
            if done.returncode != 0:
                print(f"  {name} run {run}: exit code {done.returncode}\n{done.stderr[-2000:]}", file=sys.stderr)
            contenders[name].append(seconds)
            outputs[name] = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
            print(f"  run {run} {name:<8} {seconds:7.2f} s", flush=True)

    print()
    print(f"{'contender':<10} {'median s':>9} {'min s':>8}  output (last line)")
    for name, times in contenders.items():
        print(f"{name:<10} {statistics.median(times):9.2f} {min(times):8.2f}  {outputs.get(name, '')[:60]}")
    base = statistics.median(contenders["baseline"])
    for name in [n for n in contenders if n != "baseline"]:
        med = statistics.median(contenders[name])
        ratio_min = min(contenders[name]) / min(contenders["baseline"])
        print(f"ratio {name}/baseline: median {med / base:.2f}, min {ratio_min:.2f}")
    if not use_cli:
        print("cli: skipped" + ("" if BUDGET.exists() else f" ({BUDGET} not found)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
