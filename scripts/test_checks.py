#!/usr/bin/env python3
"""Tests of the repository checks: each must fail on a planted offence and pass on this repo.

Run: python3 scripts/test_checks.py   (scripts/test.sh runs it)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / script), *args], capture_output=True, text=True
    )


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


class ModuleCycles(unittest.TestCase):
    def test_this_repository_has_no_cycle(self) -> None:
        result = run("check_module_cycles.py")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_a_planted_top_level_cycle_fails(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            crate = Path(folder)
            write(crate, {
                "src/lib.rs": "mod a;\nmod b;\n",
                "src/a.rs": "use crate::b::B;\npub(crate) struct A;\n",
                "src/b.rs": "pub(crate) struct B(crate::a::A);\n",
            })
            result = run("check_module_cycles.py", str(crate))
            self.assertEqual(result.returncode, 1, result.stdout)
            self.assertIn("a -> b", result.stdout)
            self.assertIn("b -> a", result.stdout)

    def test_a_planted_cycle_between_siblings_in_a_folder_fails(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            crate = Path(folder)
            write(crate, {
                "src/lib.rs": "mod outer;\n",
                "src/outer/mod.rs": "mod x;\nmod y;\npub(crate) use x::X;\n",
                "src/outer/x.rs": "use super::y::Y;\npub(crate) struct X;\n",
                "src/outer/y.rs": "pub(crate) struct Y(crate::outer::x::X);\n",
            })
            result = run("check_module_cycles.py", str(crate))
            self.assertEqual(result.returncode, 1, result.stdout)
            self.assertIn("crate::outer", result.stdout)

    def test_parents_and_children_naming_each_other_is_not_a_cycle(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            crate = Path(folder)
            write(crate, {
                "src/lib.rs": "mod outer;\n",
                "src/outer/mod.rs": "mod x;\npub(crate) struct P;\npub(crate) use x::X;\n",
                "src/outer/x.rs": "use super::P;\npub(crate) struct X(P);\n",
            })
            result = run("check_module_cycles.py", str(crate))
            self.assertEqual(result.returncode, 0, result.stdout)


class SelfContained(unittest.TestCase):
    def test_this_repository_stays_inside(self) -> None:
        result = run("check_self_contained.py")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_paths_outside_the_repository_fail(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            repo = Path(folder)
            subprocess.run(["git", "init", "-q", str(repo)], check=True)
            write(repo, {
                "lib/Cargo.toml": "[package]\nname = \"x\"\n",
                "lib/tests/a.rs": 'const A: &str = include_str!("../../../elsewhere/a.json");\n',
                "lib/tests/b.rs": 'let p = Path::new(env!("CARGO_MANIFEST_DIR"))\n    .join("../../corpus");\n',
                "scripts/c.sh": "cat /work/data/file\n",
                "lib/tests/ok.rs": 'const B: &str = include_str!("../../fixtures/a.json");\n',
            })
            result = run("check_self_contained.py", str(repo))
            self.assertEqual(result.returncode, 1, result.stdout)
            self.assertIn("lib/tests/a.rs:1", result.stdout)
            self.assertIn("lib/tests/b.rs:2", result.stdout)
            self.assertIn("scripts/c.sh:1", result.stdout)
            self.assertNotIn("ok.rs", result.stdout)


class TestModules(unittest.TestCase):
    def test_this_repository_compiles_every_test_file(self) -> None:
        result = run("check_test_modules.py")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_an_undeclared_test_file_fails(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            crate = Path(folder)
            write(crate, {
                "Cargo.toml": "[package]\nname = \"x\"\nautotests = false\n",
                "tests/main.rs": "mod common;\nmod kept;\n",
                "tests/common/mod.rs": "",
                "tests/helpers/mod.rs": "",
                "tests/kept.rs": "",
                "tests/forgotten.rs": "",
            })
            result = run("check_test_modules.py", str(crate))
            self.assertEqual(result.returncode, 1, result.stdout)
            self.assertIn("forgotten.rs: not declared", result.stdout)
            self.assertIn("helpers/mod.rs: not declared", result.stdout)
            self.assertNotIn("kept.rs", result.stdout)

    def test_a_single_binary_without_autotests_false_fails(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            crate = Path(folder)
            write(crate, {
                "Cargo.toml": "[package]\nname = \"x\"\n",
                "tests/main.rs": "mod kept;\n",
                "tests/kept.rs": "",
            })
            result = run("check_test_modules.py", str(crate))
            self.assertEqual(result.returncode, 1, result.stdout)
            self.assertIn("autotests is not false", result.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
