#!/usr/bin/env bash
# Protobuf toolchain for dataaccess: generate, check, lint and breaking-change checks.
#
#   scripts/proto.sh generate   regenerate every language's code from proto/**/*.proto
#   scripts/proto.sh check      fail (exit 1) if the committed generated code is stale
#   scripts/proto.sh lint       buf lint (STANDARD rules, see proto/buf.yaml)
#   scripts/proto.sh breaking   buf breaking against the previous commit (HEAD~1)
#
# Environment:
#   PYTHON                    interpreter with grpcio-tools and mypy-protobuf
#                             (default: <repo>/.venv/bin/python)
#   PROTO_BREAKING_AGAINST    git revision `breaking` compares with (default: HEAD~1)
#
# Adding a language: write <lang>_out_dir, <lang>_generated_files, <lang>_clean and
# <lang>_generate (see the Python ones below) and add <lang> to LANGUAGES.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROTO_DIR="$ROOT/proto"
BUF="$ROOT/node_modules/.bin/buf"
LANGUAGES=(python go node)

# Byte-for-byte reproducible output: fixed collation for every sort and glob.
export LC_ALL=C

die() {
    echo "proto.sh: $*" >&2
    exit 1
}

# Every .proto under proto/, relative to proto/ (protoc names outputs after these paths).
proto_files() {
    (cd "$PROTO_DIR" && find . -type f -name '*.proto' | sed 's|^\./||' | sort)
}

# --- Python: clients/python/src/<package path>/{*_pb2.py,*_pb2_grpc.py,*.pyi} ----------
# plus the typed client's methods (dataaccess/_rpcs.py, by scripts/gen_python_client.py)
# and the recommended service config it installs (dataaccess/service_config.json, a copy
# of clients/service_config.json).

PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
# A relative path is relative to where the script was called from.
if [[ "$PYTHON" == */* && "$PYTHON" != /* ]]; then PYTHON="$PWD/$PYTHON"; fi

python_out_dir() {
    echo "$ROOT/clients/python/src"
}

# Generated files under $1, one relative path per line, sorted.
python_generated_files() {
    (cd "$1" && find . -type f \( -name '*_pb2.py' -o -name '*_pb2_grpc.py' \
        -o -name '*_pb2.pyi' -o -name '*_pb2_grpc.pyi' \
        -o -path ./dataaccess/_rpcs.py -o -path ./dataaccess/service_config.json \) |
        sed 's|^\./||' | sort)
}

# The __init__.py written into each generated package directory ($1: dir relative to out).
python_package_init() {
    printf '"""Generated protobuf messages and gRPC stubs of %s (run `make proto`)."""\n' \
        "${1//\//.}"
}

# Remove what python_generate wrote into $1: the stubs, then each package __init__.py
# still exactly as generated, then directories left empty. Hand-written files stay.
python_clean() {
    local out="$1" f dir
    python_generated_files "$out" | while IFS= read -r f; do rm -f -- "$out/$f"; done
    find "$out" -mindepth 2 -type f -name '__init__.py' | sort | while IFS= read -r f; do
        dir="${f#"$out"/}"
        dir="${dir%/__init__.py}"
        if [[ "$(cat -- "$f")" == "$(python_package_init "$dir")" ]]; then
            rm -f -- "$f"
        fi
    done
    find "$out" -mindepth 1 -type d -empty -delete
}

python_generate() {
    local out="$1" python="$PYTHON" bindir dir
    mkdir -p "$out"
    # The mypy-protobuf plugins are installed next to the interpreter (venv bin/).
    if [[ "$python" != */* ]]; then
        python="$(command -v "$python")" || die "PYTHON=$PYTHON: not found on PATH"
    fi
    [[ -x "$python" ]] || die "no Python at $python (create .venv or set PYTHON)"
    bindir="$(dirname "$python")"
    [[ -x "$bindir/protoc-gen-mypy" && -x "$bindir/protoc-gen-mypy_grpc" ]] ||
        die "mypy-protobuf plugins missing from $bindir (pip install mypy-protobuf)"
    local -a protos
    mapfile -t protos < <(proto_files)
    ((${#protos[@]})) || die "no .proto files under $PROTO_DIR"
    (
        cd "$PROTO_DIR"
        "$python" -m grpc_tools.protoc \
            --proto_path=. \
            --plugin=protoc-gen-mypy="$bindir/protoc-gen-mypy" \
            --plugin=protoc-gen-mypy_grpc="$bindir/protoc-gen-mypy_grpc" \
            --python_out="$out" \
            --grpc_python_out="$out" \
            --mypy_out=quiet:"$out" \
            --mypy_grpc_out=quiet:"$out" \
            "${protos[@]}"
    )
    # Each directory that received stubs is a regular package (hatchling, mypy).
    python_generated_files "$out" | sed 's|/[^/]*$||' | sort -u | while IFS= read -r dir; do
        [[ -e "$out/$dir/__init__.py" ]] || python_package_init "$dir" >"$out/$dir/__init__.py"
    done
    # The client's methods need the proto comments: a descriptor set with source info.
    local descriptors
    descriptors="$(mktemp)"
    (
        cd "$PROTO_DIR"
        "$python" -m grpc_tools.protoc --proto_path=. --include_imports --include_source_info \
            --descriptor_set_out="$descriptors" "${protos[@]}"
    )
    mkdir -p "$out/dataaccess"
    cp "$ROOT/clients/service_config.json" "$out/dataaccess/service_config.json"
    "$python" "$ROOT/scripts/gen_python_client.py" "$descriptors" \
        "$ROOT/clients/service_config.json" >"$out/dataaccess/_rpcs.py"
    rm -f -- "$descriptors"
}

# --- Go: clients/go/<package path>/*.pb.go, plus the module's copy of the service config --

GO_MODULE="github.com/dataaccess/dataaccess/clients/go"
# The pinned plugins `make proto` installs (Makefile: PROTOC_GEN_GO*_VERSION).
PROTOC_GEN_GO="${PROTOC_GEN_GO:-$ROOT/.tools/protoc-gen-go}"
PROTOC_GEN_GO_GRPC="${PROTOC_GEN_GO_GRPC:-$ROOT/.tools/protoc-gen-go-grpc}"
# go:embed cannot reach outside the module, so the module carries a copy of the
# recommended service config; generated (and checked) like the stubs, it cannot drift.
GO_SERVICE_CONFIG="dataaccess/service_config.json"

go_out_dir() {
    echo "$ROOT/clients/go"
}

go_generated_files() {
    [[ -d "$1" ]] || return 0
    (cd "$1" && find . -type f \( -name '*.pb.go' -o -path "./$GO_SERVICE_CONFIG" \) |
        sed 's|^\./||' | sort)
}

go_clean() {
    local out="$1" f
    [[ -d "$out" ]] || return 0
    go_generated_files "$out" | while IFS= read -r f; do rm -f -- "$out/$f"; done
    find "$out" -mindepth 1 -type d -empty -delete
}

# The protos carry no go_package: each file's Go package is given here (M options), the
# import path after its directory and the name after buf's convention (dataaccess/v1 ->
# dataaccessv1), so the .proto files stay free of per-language options.
go_generate() {
    local out="$1" f dir
    [[ -x "$PROTOC_GEN_GO" && -x "$PROTOC_GEN_GO_GRPC" ]] ||
        die "protoc-gen-go or protoc-gen-go-grpc missing from $ROOT/.tools (run \`make .tools/protoc-gen-go .tools/protoc-gen-go-grpc\`)"
    local python="$PYTHON"
    if [[ "$python" != */* ]]; then
        python="$(command -v "$python")" || die "PYTHON=$PYTHON: not found on PATH"
    fi
    [[ -x "$python" ]] || die "no Python at $python (create .venv or set PYTHON)"
    local -a protos mappings=()
    mapfile -t protos < <(proto_files)
    ((${#protos[@]})) || die "no .proto files under $PROTO_DIR"
    for f in "${protos[@]}"; do
        dir="$(dirname "$f")"
        mappings+=("M$f=$GO_MODULE/$dir;${dir//\//}")
    done
    mkdir -p "$out"
    (
        cd "$PROTO_DIR"
        "$python" -m grpc_tools.protoc \
            --proto_path=. \
            --plugin=protoc-gen-go="$PROTOC_GEN_GO" \
            --plugin=protoc-gen-go-grpc="$PROTOC_GEN_GO_GRPC" \
            --go_out="$out" --go_opt=paths=source_relative \
            "${mappings[@]/#/--go_opt=}" \
            --go-grpc_out="$out" --go-grpc_opt=paths=source_relative \
            "${mappings[@]/#/--go-grpc_opt=}" \
            "${protos[@]}"
    )
    mkdir -p "$(dirname "$out/$GO_SERVICE_CONFIG")"
    cp -- "$ROOT/clients/service_config.json" "$out/$GO_SERVICE_CONFIG"
}

# --- Node: clients/node/{proto/**,service_config.json,src/generated/**} ----------------
# The package loads the .proto files at run time (@grpc/proto-loader), so it ships copies
# of them and of the service config: it works wherever it is copied or packed, and the
# copies are generated files like the TypeScript types, so `check` catches any drift.

NODE_GEN_TYPES="$ROOT/clients/node/node_modules/.bin/proto-loader-gen-types"

node_out_dir() {
    echo "$ROOT/clients/node"
}

node_generated_files() {
    (
        cd "$1" || exit 0
        for dir in proto src/generated; do
            [[ -d "$dir" ]] && find "$dir" -type f
        done
        [[ -f service_config.json ]] && echo service_config.json
        true
    ) | sort
}

node_clean() {
    rm -rf -- "$1/proto" "$1/src/generated" "$1/service_config.json"
}

node_generate() {
    local out="$1" f
    [[ -x "$NODE_GEN_TYPES" ]] ||
        die "proto-loader-gen-types missing: run \`npm ci\` in clients/node (make clients/node/node_modules/.installed)"
    local -a protos
    mapfile -t protos < <(proto_files)
    ((${#protos[@]})) || die "no .proto files under $PROTO_DIR"
    mkdir -p "$out/proto" "$out/src/generated"
    for f in "${protos[@]}"; do
        mkdir -p "$out/proto/$(dirname "$f")"
        cp -- "$PROTO_DIR/$f" "$out/proto/$f"
    done
    cp -- "$ROOT/clients/service_config.json" "$out/service_config.json"
    # These options must match the loader's in clients/node/src/index.ts (LOADER_OPTIONS).
    (
        cd "$PROTO_DIR"
        "$NODE_GEN_TYPES" --keepCase --longs=String --enums=String --defaults --oneofs \
            --includeComments --grpcLib=@grpc/grpc-js -I . -O "$out/src/generated" \
            "${protos[@]}" >/dev/null
    )
}

# --- subcommands ------------------------------------------------------------------------

cmd_generate() {
    local lang out
    for lang in "${LANGUAGES[@]}"; do
        out="$("${lang}_out_dir")"
        "${lang}_clean" "$out"
        "${lang}_generate" "$out"
        echo "proto.sh: generated $lang code in ${out#"$ROOT"/}"
    done
}

cmd_check() {
    local lang out tmp stale=0 f
    tmp="$(mktemp -d)"
    # shellcheck disable=SC2064  # expand $tmp now
    trap "rm -rf -- '$tmp'" EXIT
    for lang in "${LANGUAGES[@]}"; do
        out="$("${lang}_out_dir")"
        "${lang}_generate" "$tmp/$lang"
        # Union of both file lists: catches changed, missing and left-over files.
        while IFS= read -r f; do
            if [[ ! -f "$out/$f" ]]; then
                echo "missing:   ${out#"$ROOT"/}/$f" >&2
                stale=1
            elif [[ ! -f "$tmp/$lang/$f" ]]; then
                echo "stale:     ${out#"$ROOT"/}/$f (no .proto generates it)" >&2
                stale=1
            elif ! cmp -s "$out/$f" "$tmp/$lang/$f"; then
                echo "differs:   ${out#"$ROOT"/}/$f" >&2
                stale=1
            fi
        done < <(sort -u <("${lang}_generated_files" "$out") \
            <("${lang}_generated_files" "$tmp/$lang"))
    done
    if ((stale)); then
        die "generated code is out of date with proto/; run \`make proto\` (scripts/proto.sh generate) and commit the result"
    fi
    echo "proto.sh: generated code is up to date"
}

ensure_buf() {
    [[ -x "$BUF" ]] && return 0
    command -v npm >/dev/null 2>&1 ||
        die "buf is not installed and npm is missing: install Node.js 20+ and run \`npm ci\` in $ROOT"
    echo "proto.sh: installing the pinned buf (npm ci)" >&2
    (cd "$ROOT" && npm ci --no-audit --no-fund >&2)
    [[ -x "$BUF" ]] || die "npm ci did not install $BUF"
}

cmd_lint() {
    ensure_buf
    (cd "$ROOT" && "$BUF" lint proto) || die "buf lint failed (rules: proto/buf.yaml)"
    echo "proto.sh: buf lint passed"
}

cmd_breaking() {
    local rev="${PROTO_BREAKING_AGAINST:-HEAD~1}" sha git_dir
    cd "$ROOT"
    if ! sha="$(git rev-parse --verify --quiet "$rev^{commit}")"; then
        if [[ "$(git rev-parse --is-shallow-repository)" == true ]]; then
            echo "proto.sh: $rev is not in this shallow clone; nothing to compare against" \
                "(fetch full history, e.g. actions/checkout fetch-depth: 0)"
        else
            echo "proto.sh: $rev does not exist; nothing to compare against"
        fi
        return 0
    fi
    if ! git cat-file -e "$sha:proto/buf.yaml" 2>/dev/null; then
        echo "proto.sh: $rev ($sha) has no proto/buf.yaml; nothing to compare against"
        return 0
    fi
    ensure_buf
    # buf reads the repository itself; in a linked worktree .git is a file, so point at
    # the common git directory instead.
    git_dir=".git"
    [[ -d .git ]] || git_dir="$(git rev-parse --path-format=absolute --git-common-dir)"
    "$BUF" breaking proto --against "$git_dir#format=git,ref=$sha,subdir=proto" ||
        die "breaking changes against $rev ($sha); see above"
    echo "proto.sh: no breaking changes against $rev ($sha)"
}

usage() {
    sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
}

(($# == 1)) || usage
case "$1" in
    generate) cmd_generate ;;
    check) cmd_check ;;
    lint) cmd_lint ;;
    breaking) cmd_breaking ;;
    -h | --help | help) usage ;;
    *) usage ;;
esac
