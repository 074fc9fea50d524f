# Shared helpers for scripts/opensearch/{build,up,down}; sourced, not executed.

OPENSEARCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$OPENSEARCH_DIR/../.." && pwd)"
# shellcheck source=versions.env
source "$OPENSEARCH_DIR/versions.env"

LOG_TAG=opensearch
# shellcheck source=../lib/common.sh
source "$REPO_ROOT/scripts/lib/common.sh"

# Pid files, port picking, readiness polling and stopping are the control plane's.
# shellcheck source=../controlplane/process.sh
source "$REPO_ROOT/scripts/controlplane/process.sh"
STATE_MARKER=.burn-opensearch

# The cache key covers the pinned versions (comments aside) and the launcher's pom and sources.
versions_hash() {
  {
    grep -v '^[[:space:]]*#' "$OPENSEARCH_DIR/versions.env"
    cat "$OPENSEARCH_DIR/launcher/pom.xml" "$OPENSEARCH_DIR"/launcher/src/*.java
  } | sha256sum | cut -c1-16
}

cache_base() {
  echo "${BURN_CACHE_DIR:-$HOME/.cache/burn}/opensearch"
}

cache_root() {
  echo "$(cache_base)/$(versions_hash)"
}

# Debian's Java 17 (the JDK: build compiles the launcher). Prints its home.
JAVA_PACKAGE=openjdk-17-jdk-headless
java17_home() {
  local javac
  for javac in /usr/lib/jvm/java-17-openjdk-*/bin/javac; do
    [[ -x "$javac" ]] && { dirname "$(dirname "$javac")"; return 0; }
  done
  return 1
}

ensure_java17() {
  java17_home && return 0
  command -v apt-get >/dev/null 2>&1 ||
    die "Java 17 (a JDK) is needed at /usr/lib/jvm/java-17-openjdk-*; install it (Debian: apt-get install $JAVA_PACKAGE)"
  # javac from the JDK package lands on PATH only when 17 is the default; look it up by folder after.
  ensure_debian_package "/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)/bin/javac" "$JAVA_PACKAGE" >/dev/null
  java17_home || die "apt-get installed $JAVA_PACKAGE but no /usr/lib/jvm/java-17-openjdk-*/bin/javac exists"
}
