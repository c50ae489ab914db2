#!/usr/bin/python3
"""Write a notebook (no outputs) from a simple text format, so notebooks are reviewed as code.

Usage: make_notebook.py SOURCE.nb.txt OUT.ipynb
Cells are separated by lines '%% md' or '%% code'.
"""
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
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "liederiv", "display_name": "TypeScript (liederiv)", "language": "typescript"}
    nb.metadata["language_info"] = {"name": "typescript", "file_extension": ".ts"}
    nbformat.write(nb, out)

if __name__ == "__main__":
    main(*sys.argv[1:])
