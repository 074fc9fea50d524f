# Building a pinned Go program from the Go module proxy into a cache folder outside the repository;
# sourced after scripts/lib/common.sh by scripts/peers/build and scripts/metrics-server/build.

# require_go_at_least MIN WHAT: dies unless `go` is installed and at least MIN; sets GO_HAVE.
require_go_at_least() {
  local min="$1" what="$2"
  command -v go >/dev/null 2>&1 || die "Go is not installed; $what is built from Go modules and needs Go >= $min"
  GO_HAVE="$(go env GOVERSION)"
  GO_HAVE="${GO_HAVE#go}"
  [[ "$(printf '%s\n%s\n' "$min" "$GO_HAVE" | sort -V | head -n1)" == "$min" ]] ||
    die "Go $GO_HAVE is too old: $what needs Go >= $min"
}

# lock_cache ROOT BINARY: takes ROOT/.lock (waiting for another build of the same versions) and
# exits printing BINARY when that build already made it.
lock_cache() {
  local root="$1" binary="$2"
  mkdir -p "$root/bin"
  exec 9>"$root/.lock"
  if ! flock -n 9; then
    say "another build holds $root/.lock; waiting for it"
    flock 9
  fi
  if [[ -x "$binary" ]]; then
    echo "$binary"
    exit 0
  fi
}

# wrapper_module DIR NAME MODULE VERSION: a fresh module burn.local/build/NAME in DIR that requires
# MODULE@VERSION, built with the machine's Go only, statically, without local paths.
wrapper_module() {
  local dir="$1" name="$2" module="$3" version="$4"
  export GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath -mod=mod"
  export GOTOOLCHAIN=local
  export CGO_ENABLED=0
  rm -rf "$dir"
  mkdir -p "$dir"
  printf 'module burn.local/build/%s\n\ngo %s\n\nrequire %s %s\n' "$name" "$GO_HAVE" "$module" "$version" >"$dir/go.mod"
}

# build_into DIR PACKAGE BINARY LDFLAGS WHAT: builds PACKAGE in the wrapper module DIR into BINARY
# (atomically), logging to <BINARY's cache root>/build.log.
build_into() {
  local dir="$1" package="$2" binary="$3" ldflags="$4" what="$5" started=$SECONDS
  local log
  log="$(dirname "$(dirname "$binary")")/build.log"
  say "building $what with go$GO_HAVE (log: $log) ..."
  if ! (cd "$dir" && nice -n 10 go build -ldflags "$ldflags" -o "$binary.partial" "$package") >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "building $what failed (log: $log)"
  fi
  mv "$binary.partial" "$binary"
  say "built $what in $((SECONDS - started))s ($(du -h "$binary" | cut -f1))"
}
