#!/usr/bin/env python3
"""Fails when a file of the project reaches outside the repository.

The repo must test itself on a fresh clone with nothing beside it. This check reads every file
git tracks (and untracked files git does not ignore) that the build, the tests or the scripts
use, and flags:

- a relative path (`../..`) that climbs above the repository root from the file's own folder
  (`include_str!`, `Path::join`, `cd`, ...);
- an absolute path into a machine's home or work folders (`/work/`, `/home/`, `/root/`);
- the team's shared folder by name (`shared/public-histories`).

Usage: python3 scripts/check_self_contained.py [REPO_DIR]   (default: this repository)
Exit:  0 nothing reaches outside, 1 something does, 2 bad input.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CHECKED_SUFFIXES = {".rs", ".sh", ".py", ".toml", ".js", ".mjs", ".ts", ".cfg", ".txt"}
CHECKED_NAMES = {"run", "Makefile", "package.json"}
CLIMB = re.compile(r"((?:\.\./)+|(?:\.\.\\\\)+)")
ABSOLUTE = re.compile(r"(?<![\w.])/(?:work|home|root)/[\w.-]")
SHARED = re.compile(r"shared/public-histories")
# This file names the patterns it looks for; its test writes offenders on purpose.
SELF = {"scripts/check_self_contained.py", "scripts/test_checks.py"}


def tracked_files(repo: Path) -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "-C", str(repo), "ls-files", "--cached", "--others", "--exclude-standard"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise SystemExit(f"check_self_contained: {repo}: cannot list files with git: {error}")
    return sorted(set(listed.splitlines()))


def checked(name: str) -> bool:
    path = Path(name)
    return path.suffix in CHECKED_SUFFIXES or path.name in CHECKED_NAMES


def problems_in(repo: Path, name: str) -> list[str]:
    if name in SELF or not checked(name):
        return []
    try:
        text = (repo / name).read_text(encoding="utf-8")
    except (UnicodeDecodeError, FileNotFoundError):
        return []
    depth = len(Path(name).parent.parts)
    # Paths joined onto CARGO_MANIFEST_DIR start at the crate's folder, not the file's.
    crate = Path(name).parent
    while crate.parts and not (repo / crate / "Cargo.toml").exists():
        crate = crate.parent
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines, start=1):
        where = f"{name}:{number}"
        nearby = "\n".join(lines[max(0, number - 3) : number])
        depth_here = len(crate.parts) if "CARGO_MANIFEST_DIR" in nearby else depth
        for match in CLIMB.finditer(line):
            climbs = match.group(1).count("..")
            if climbs > depth_here:
                found.append(
                    f"{where}: `{match.group(1)}` climbs {climbs} folders from a folder "
                    f"{depth_here} deep: outside the repository"
                )
        if ABSOLUTE.search(line):
            found.append(f"{where}: absolute path into a machine's folders: {line.strip()[:100]}")
        if SHARED.search(line):
            found.append(f"{where}: names the team's shared folder; use fixtures/public/ instead")
    return found


def main(argv: list[str]) -> int:
    repo = Path(argv[0]).resolve() if argv else Path(__file__).resolve().parent.parent
    if not (repo / ".git").exists():
        print(f"check_self_contained: {repo} is not a git checkout", file=sys.stderr)
        return 2
    files = tracked_files(repo)
    problems = [p for name in files for p in problems_in(repo, name)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_self_contained: {len(problems)} reference(s) outside the repository")
        return 1
    print(f"check_self_contained: {len(files)} files, nothing reaches outside the repository")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
