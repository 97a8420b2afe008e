#!/usr/bin/env python3
"""Fails when an integration-test file would silently not be compiled.

A crate whose `tests/main.rs` exists links all its integration tests into that one binary
(`autotests = false` and one `[[test]]` in its Cargo.toml), so cargo no longer finds
`tests/NAME.rs` by itself: a file or helper folder that `tests/main.rs` does not declare with
`mod NAME;` is never built and its tests never run. This check names each such file.

Usage: python3 scripts/check_test_modules.py [CRATE_DIR ...]
       (default: every workspace member listed in the root Cargo.toml)
Exit:  0 every file declared, 1 a file left out, 2 bad input.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DECLARED = re.compile(r"^\s*(?:pub\s+)?mod\s+([A-Za-z_][A-Za-z0-9_]*)\s*;", re.M)


def workspace_members() -> list[Path]:
    text = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    block = re.search(r"members\s*=\s*\[(.*?)\]", text, re.S)
    if block is None:
        print("check_test_modules: no [workspace] members in Cargo.toml", file=sys.stderr)
        raise SystemExit(2)
    return [ROOT / name for name in re.findall(r'"([^"]+)"', block.group(1))]


def shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def problems_of(crate: Path) -> list[str]:
    tests = crate / "tests"
    main = tests / "main.rs"
    if not main.is_file():
        return []
    problems: list[str] = []
    manifest = crate / "Cargo.toml"
    if not re.search(r"^autotests\s*=\s*false", manifest.read_text(encoding="utf-8"), re.M):
        problems.append(f"{shown(manifest)}: tests/main.rs exists but autotests is not false, "
                        "so every test file would also build as its own binary")
    declared = set(DECLARED.findall(main.read_text(encoding="utf-8")))
    for file in sorted(tests.glob("*.rs")):
        if file.name != "main.rs" and file.stem not in declared:
            problems.append(f"{shown(file)}: not declared in {shown(main)} (add `mod {file.stem};`)")
    for folder in sorted(p for p in tests.iterdir() if p.is_dir()):
        if (folder / "mod.rs").is_file() and folder.name not in declared:
            problems.append(f"{shown(folder / 'mod.rs')}: not declared in {shown(main)} "
                            f"(add `mod {folder.name};`)")
    return problems


def main(argv: list[str]) -> int:
    crates = [Path(arg).resolve() for arg in argv] or workspace_members()
    for crate in crates:
        if not (crate / "Cargo.toml").is_file():
            print(f"check_test_modules: {crate}: no Cargo.toml", file=sys.stderr)
            return 2
    problems = [problem for crate in crates for problem in problems_of(crate)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_test_modules: {len(problems)} test file(s) would not be compiled")
        return 1
    print(f"check_test_modules: every test file of {len(crates)} crate(s) is compiled")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
