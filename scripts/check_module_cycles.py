#!/usr/bin/env python3
"""Fails when the top-level modules of a crate import each other in a circle.

At every level: the top-level modules of a crate (`src/NAME.rs`, `src/NAME/`), and the children
of every folder module. Module A depends on its sibling B when any file inside A names a path
into B (`crate::...`, `super::...`, `self::...`). A module naming its own parent or children is
not a dependency (that is how modules are declared and re-exported). A cycle is a strongly
connected set of two or more siblings; each one is printed with one `file:line` per edge so the
import to remove is easy to find.

Usage: python3 scripts/check_module_cycles.py [CRATE_DIR ...]
       (default: every workspace member listed in the root Cargo.toml)
Exit:  0 no cycle, 1 a cycle, 2 bad input.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE_COMMENT = re.compile(r"//.*$")


def workspace_members() -> list[Path]:
    text = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    block = re.search(r"members\s*=\s*\[(.*?)\]", text, re.S)
    if block is None:
        raise SystemExit("check_module_cycles: no [workspace] members in Cargo.toml")
    return [ROOT / name for name in re.findall(r'"([^"]+)"', block.group(1))]


def shown(file: Path) -> str:
    """A file's name relative to the repository when it is inside it."""
    try:
        return str(file.relative_to(ROOT))
    except ValueError:
        return str(file)


def module_path(src: Path, file: Path) -> tuple[str, ...] | None:
    """The module path of a file (`transitions/faults/crash.rs` -> transitions, faults, crash);
    None for a binary under `src/bin/`, which is a crate of its own."""
    parts = file.relative_to(src).with_suffix("").parts
    if parts and parts[0] == "bin":
        return None
    if parts[-1] == "mod" or (len(parts) == 1 and parts[0] in ("lib", "main")):
        parts = parts[:-1]
    return tuple(parts)


PATH = re.compile(r"\b((?:crate|super|self)(?:::(?:super|self))*)::(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)", re.S)


def expand(tail: str) -> list[list[str]]:
    """`a::b` -> [[a, b]]; `{a::b, c}` -> [[a, b], [c]] (one level of braces is enough here)."""
    if tail.startswith("{"):
        entries = [e.strip() for e in tail.strip("{}").split(",")]
        return [re.split(r"\s*::\s*", e.split(" as ")[0]) for e in entries if e and e != "self"]
    return [tail.split("::")]


def edges_of(src: Path) -> dict[tuple[tuple[str, ...], str, str], str]:
    """(parent module, from child, to child) -> the first `file:line` that makes the edge.

    A reference from a file in module F to module T makes an edge between the two children of
    their deepest common ancestor that lead to F and to T (so a file may name its parent or its
    own children freely: that is declaring, not depending)."""
    files = {}
    for file in sorted(src.rglob("*.rs")):
        path = module_path(src, file)
        if path is not None:
            files[file] = path
    modules = set(files.values())
    edges: dict[tuple[tuple[str, ...], str, str], str] = {}
    for file, here in files.items():
        text = "\n".join(LINE_COMMENT.sub("", line) for line in file.read_text(encoding="utf-8").splitlines())
        for match in PATH.finditer(text):
            anchor = match.group(1).split("::")
            if anchor[0] == "crate":
                base: tuple[str, ...] = ()
            else:
                # `self` is the file's own module; each `super` goes one up.
                base = here
                for segment in anchor:
                    if segment == "super":
                        base = base[:-1]
            for segments in expand(match.group(2)):
                target = base
                for segment in segments:
                    if target + (segment,) in modules:
                        target = target + (segment,)
                    else:
                        break
                common = 0
                while common < min(len(here), len(target)) and here[common] == target[common]:
                    common += 1
                if common < len(here) and common < len(target):
                    key = (here[:common], here[common], target[common])
                    number = text.count("\n", 0, match.start()) + 1
                    edges.setdefault(key, f"{shown(file)}:{number}")
    return edges


def strongly_connected(nodes: set[str], edges: dict[tuple[str, str], str]) -> list[list[str]]:
    """Tarjan's algorithm, iterative-enough for a few dozen modules; sorted for stable output."""
    graph = {node: sorted(t for (f, t) in edges if f == node) for node in sorted(nodes)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return sorted(components)


def check(crate: Path) -> list[str]:
    src = crate / "src"
    if not src.is_dir():
        raise SystemExit(f"check_module_cycles: {crate}: no src/ folder")
    edges = edges_of(src)
    problems = []
    for parent in sorted({key[0] for key in edges}):
        local = {(f, t): where for (p, f, t), where in edges.items() if p == parent}
        nodes = {n for edge in local for n in edge}
        scope = "::".join(("crate",) + parent)
        for component in strongly_connected(nodes, local):
            members = set(component)
            lines = [
                f"{crate.name}: modules of {scope} import each other in a circle: "
                + ", ".join(component)
            ]
            for (source, target), where in sorted(local.items()):
                if source in members and target in members:
                    lines.append(f"    {source} -> {target}  ({where})")
            problems.append("\n".join(lines))
    return problems


def main(argv: list[str]) -> int:
    crates = [Path(a).resolve() for a in argv] or workspace_members()
    problems = []
    for crate in crates:
        problems += check(crate)
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_module_cycles: {len(problems)} cycle(s)")
        return 1
    print(f"check_module_cycles: no cycles in {len(crates)} crate(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
