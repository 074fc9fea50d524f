# Shared helpers for scripts/controlplane/{build,up,down}; sourced, not executed.

CONTROLPLANE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CONTROLPLANE_DIR/../.." && pwd)"
# shellcheck source=versions.env
source "$CONTROLPLANE_DIR/versions.env"

LOG_TAG=controlplane
SAY_STREAM=stdout
# shellcheck source=../lib/common.sh
source "$REPO_ROOT/scripts/lib/common.sh"

# The cache key is versions.env (pinned versions and BUILD_RECIPE), so changing either rebuilds.
versions_hash() {
  grep -v '^[[:space:]]*#' "$CONTROLPLANE_DIR/versions.env" | sha256sum | cut -c1-16
}

cache_root() {
  echo "${BURN_CACHE_DIR:-$HOME/.cache/burn}/controlplane/$(versions_hash)"
}

bin_dir() {
  echo "$(cache_root)/bin"
}

# Every binary `up` needs; `build` produces exactly these.
CONTROLPLANE_BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)

binaries_present() {
  local dir name
  dir="$(bin_dir)"
  for name in "${CONTROLPLANE_BINARIES[@]}"; do
    [[ -x "$dir/$name" ]] || return 1
  done
}

require_go() {
  command -v go >/dev/null 2>&1 ||
    die "Go is not installed; the control plane is built from Go modules and needs Go >= $GO_MIN_VERSION (https://go.dev/doc/install, or apt-get install golang-go if Debian's is new enough)"
  local have
  have="$(go env GOVERSION)"
  have="${have#go}"
  if [[ "$(printf '%s\n%s\n' "$GO_MIN_VERSION" "$have" | sort -V | head -n1)" != "$GO_MIN_VERSION" ]]; then
    die "Go $have is too old: building the control plane ($KUBERNETES_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION) needs Go >= $GO_MIN_VERSION"
  fi
}

# make_metrics_server_certs PKI: a front-proxy CA and the client certificate the API server's
# aggregator presents to metrics-server (CN front-proxy-client), and kwok's self-signed serving
# certificate for 127.0.0.1.
make_metrics_server_certs() {
  local pki="$1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=burn-front-proxy-ca \
    -keyout "$pki/front-proxy-ca.key" -out "$pki/front-proxy-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /CN=front-proxy-client \
    -keyout "$pki/front-proxy-client.key" -out "$pki/front-proxy-client.csr" 2>/dev/null
  openssl x509 -req -days 7 -in "$pki/front-proxy-client.csr" -CA "$pki/front-proxy-ca.crt" \
    -CAkey "$pki/front-proxy-ca.key" -CAcreateserial -out "$pki/front-proxy-client.crt" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=kwok -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$pki/kwok.key" -out "$pki/kwok.crt" 2>/dev/null
}
