#!/usr/bin/python3
"""Write a notebook (no outputs) from a simple text format, so notebooks are reviewed as code.

Usage: make_notebook.py SOURCE.nb.txt OUT.ipynb
Cells are separated by lines '%% md' or '%% code'.
When OUT exists, its cell ids are kept: a cell whose source is unchanged keeps its id, an edited cell
takes the id of the old cell at its position, so regenerating after an edit changes only that cell's
lines in the .ipynb (small diffs, small merges when several people edit one notebook).
"""
import os
import sys
import nbformat

def main(src, out):
    cells, kind, lines = [], None, []
    def flush():
        if kind is not None:
            text = "\n".join(lines).strip("\n")
            cells.append(nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text))
    for line in open(src, encoding="utf-8").read().splitlines():
        if line.startswith("%% "):
            flush()
            kind, lines = line[3:].strip(), []
            assert kind in ("md", "code"), f"unknown cell kind {kind!r}"
        else:
            lines.append(line)
    flush()
    if os.path.exists(out):
        old = nbformat.read(out, as_version=4).cells
        used = set()
        by_source = {}
        for k, c in enumerate(old):
            by_source.setdefault((c.cell_type, c.source), []).append(k)
        matched = [None] * len(cells)
        for i, c in enumerate(cells):
            for k in by_source.get((c.cell_type, c.source), []):
                if k not in used:
                    matched[i] = k
                    used.add(k)
                    break
        for i, c in enumerate(cells):
            if matched[i] is None and i < len(old) and i not in used and old[i].cell_type == c.cell_type and "id" in old[i]:
                matched[i] = i
                used.add(i)
        for i, c in enumerate(cells):
            if matched[i] is not None and "id" in old[matched[i]]:
                c["id"] = old[matched[i]]["id"]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "liederiv", "display_name": "TypeScript (liederiv)", "language": "typescript"}
    nb.metadata["language_info"] = {"name": "typescript", "file_extension": ".ts"}
    nbformat.write(nb, out)

if __name__ == "__main__":
    main(*sys.argv[1:])
