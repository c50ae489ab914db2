#!/usr/bin/python3
"""Execute notebooks headless with the project-local tslab kernel (nbclient), fail on any cell
error or on uncaught errors that tslab only logs to the kernel's stderr, print the real error
message, optionally export HTML. Prints one JSON summary line per notebook on stdout:
{"notebook", "ok", "seconds", "figures", "html", "error"}. Exit 0 only if every notebook passed.

Run with Debian's /usr/bin/python3 (it has Jupyter); `liederiv notebooks` does that for you.
"""
import argparse
import json
import os
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def cell_stderr(cell):
    """tslab puts the real message of a failing cell in its stderr stream, not in the error."""
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stderr")


def count_figures(nb):
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if o.get("output_type") in ("display_data", "execute_result") and PLOTLY_MIME in o.get("data", {}))


def run_one(path, timeout, html_dir, settle_s):
    nb = nbformat.read(path, as_version=4)
    log = tempfile.NamedTemporaryFile(prefix="liederiv-kernel-", suffix=".jsonl", delete=False)
    log.close()
    os.environ["LIEDERIV_KERNEL_LOG"] = log.name
    client = NotebookClient(nb, kernel_name="liederiv", timeout=timeout, allow_errors=False,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    started = time.time()
    cell_starts = []
    error = None
    shutdown_at = float("inf")
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                cell_starts.append(time.time())
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError as err:
                    detail = cell_stderr(cell).strip() or str(err).strip()
                    error = f"cell {index + 1} failed:\n{detail}\n--- cell source ---\n{cell.source}"
                    break
            # Let late timers/promise rejections surface before the kernel is shut down.
            time.sleep(settle_s)
            shutdown_at = time.time()
    except (CellTimeoutError, DeadKernelError) as err:
        error = f"{type(err).__name__}: {err}"
    uncaught = []
    with open(log.name) as fh:
        for line in fh:
            if line.strip():
                entry = json.loads(line)
                # Errors raised while the kernel is being shut down (tslab's heartbeat socket
                # closing) are not the notebook's.
                if entry["time"] < shutdown_at:
                    uncaught.append(entry)
    os.unlink(log.name)
    if uncaught and error is None:
        first = uncaught[0]
        after = sum(1 for t in cell_starts if t <= first["time"])
        error = (f"uncaught {first['kind']} in the kernel (while or after running cell {after}); "
                 f"tslab only logged it:\n{first['message']}")
    html = None
    if html_dir:
        from nbconvert import HTMLExporter
        os.makedirs(html_dir, exist_ok=True)
        body, _ = HTMLExporter().from_notebook_node(nb)
        html = os.path.join(html_dir, os.path.splitext(os.path.basename(path))[0] + ".html")
        tmp = html + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.replace(tmp, html)
    return {"notebook": os.path.relpath(path, REPO), "ok": error is None, "seconds": round(time.time() - started, 1),
            "figures": count_figures(nb), "html": html and os.path.relpath(html, REPO), "error": error}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--html", metavar="DIR", help="export each executed notebook to DIR/<name>.html")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell (default 900)")
    parser.add_argument("--settle", type=float, default=1.0, help="seconds to wait for late errors")
    args = parser.parse_args()
    os.environ["JUPYTER_PATH"] = os.path.join(REPO, "jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    failed = 0
    for path in args.notebooks:
        result = run_one(path, args.timeout, args.html, args.settle)
        failed += not result["ok"]
        print(json.dumps(result), flush=True)
        status = "ok" if result["ok"] else "FAILED"
        print(f"[{status}] {result['notebook']} ({result['seconds']} s, {result['figures']} figure(s))", file=sys.stderr)
        if result["error"]:
            print(result["error"], file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
