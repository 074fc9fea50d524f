# Starting, watching and stopping control plane processes; sourced by up and down (after lib.sh).
# Each component has <state>/pids/<name>.pid and <name>.exe (the binary, so a reused pid is never
# mistaken for ours) and <state>/logs/<name>.log; <state>/pids/order lists them in start order.

# Marks a folder as made by `up`, so `down` never deletes a folder it did not create.
STATE_MARKER=.burn-controlplane

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pick_ports VAR...: sets each VAR to a distinct free port below Linux's ephemeral range, so an
# outgoing connection cannot grab it between picking and binding.
pick_ports() {
  local var port taken=" ${PICKED_PORTS:-} "
  for var in "$@"; do
    while :; do
      port=$((10000 + RANDOM % 22000))
      [[ "$taken" == *" $port "* ]] && continue
      port_in_use "$port" || break
    done
    taken+="$port "
    printf -v "$var" '%s' "$port"
  done
  PICKED_PORTS="$taken"
}

start_component() {
  local state_dir="$1" name="$2" binary="$3"
  shift 2
  # setsid: the component outlives the shell that ran `up` and ignores its terminal's Ctrl-C.
  setsid "$@" >"$state_dir/logs/$name.log" 2>&1 </dev/null &
  echo "$!" >"$state_dir/pids/$name.pid"
  readlink -f "$binary" >"$state_dir/pids/$name.exe"
  echo "$name" >>"$state_dir/pids/order"
}

# A zombie (exited, not yet reaped by whoever inherited it) counts as stopped.
process_running() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]]
}

# Prints the pid of a component that is still running, or fails.
component_pid() {
  local state_dir="$1" name="$2" pid exe
  [[ -f "$state_dir/pids/$name.pid" ]] || return 1
  pid="$(<"$state_dir/pids/$name.pid")"
  exe="$(cat "$state_dir/pids/$name.exe" 2>/dev/null || true)"
  [[ -n "$pid" ]] && process_running "$pid" || return 1
  [[ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" == "$exe" ]] || return 1
  echo "$pid"
}

any_component_running() {
  local state_dir="$1" name
  [[ -f "$state_dir/pids/order" ]] || return 1
  while read -r name; do
    component_pid "$state_dir" "$name" >/dev/null && return 0
  done <"$state_dir/pids/order"
  return 1
}

# Stops components in reverse start order: SIGTERM, then SIGKILL after 15 s.
stop_all() {
  local state_dir="$1" name pid waited
  [[ -f "$state_dir/pids/order" ]] || return 0
  while read -r name; do
    pid="$(component_pid "$state_dir" "$name")" || continue
    kill -TERM "$pid" 2>/dev/null || continue
    for ((waited = 0; waited < 150; waited++)); do
      process_running "$pid" || break
      sleep 0.1
    done
    if process_running "$pid"; then
      say "$name (pid $pid) ignored SIGTERM for 15s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done < <(tac "$state_dir/pids/order")
}

fail_with_log() {
  local state_dir="$1" name="$2" message="$3" log="$1/logs/$2.log"
  if [[ -f "$log" ]]; then
    echo "---- last 40 lines of $log ----" >&2
    tail -n 40 "$log" >&2
    echo "----" >&2
    if grep -qiE 'address already in use|bind: .*in use' "$log"; then
      message+="; a port it listens on was taken by another process (run up again to pick new ports)"
    fi
  fi
  die "$message"
}

# wait_until STATE NAME TIMEOUT_S CHECK [ARGS...]: polls CHECK until it succeeds; fails with NAME's
# log if NAME exits or TIMEOUT_S passes first.
wait_until() {
  local state_dir="$1" name="$2" timeout_s="$3"
  shift 3
  local deadline=$((SECONDS + timeout_s))
  until "$@"; do
    component_pid "$state_dir" "$name" >/dev/null ||
      fail_with_log "$state_dir" "$name" "$name exited while starting"
    ((SECONDS < deadline)) ||
      fail_with_log "$state_dir" "$name" "$name was not ready after ${timeout_s}s"
    sleep 0.5
  done
}

http_ok() {
  curl -fsS --max-time 2 -o /dev/null "$1" 2>/dev/null
}

# https_ok URL [TOKEN]: the self-signed serving certificates are checked by the kubeconfig's CA
# later; readiness only needs the endpoint to answer.
https_ok() {
  local auth=()
  [[ -n "${2:-}" ]] && auth=(-H "Authorization: Bearer $2")
  curl -fsSk --max-time 2 -o /dev/null "${auth[@]}" "$1" 2>/dev/null
}

kubectl_ok() {
  local kubectl="$1" kubeconfig="$2"
  shift 2
  "$kubectl" --kubeconfig "$kubeconfig" "$@" >/dev/null 2>&1
}

# write_kubeconfig FILE SERVER CA_FILE USER TOKEN
write_kubeconfig() {
  local file="$1" server="$2" ca_file="$3" user="$4" token="$5"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: burn-controlplane
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$ca_file")
users:
- name: $user
  user:
    token: $token
contexts:
- name: burn-controlplane
  context:
    cluster: burn-controlplane
    user: $user
current-context: burn-controlplane
EOF
  chmod 600 "$file"
}

# ensure_debian_package COMMAND PACKAGE: prints the path of COMMAND, installing Debian's PACKAGE
# when COMMAND is not on PATH. A package's own service is kept from starting (policy-rc.d): the
# scripts run the binaries themselves.
ensure_debian_package() {
  local command="$1" package="$2"
  if command -v "$command" >/dev/null 2>&1; then
    command -v "$command"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 ||
    die "$command is not installed and this is not a Debian/Ubuntu system; install $package so that '$command' is on PATH"
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "$command is not installed; run: sudo apt-get install -y $package"
    sudo=(sudo)
  fi
  say "$command is not installed; installing Debian's package (apt-get install -y $package)" >&2
  local policy=/usr/sbin/policy-rc.d added_policy=false
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    added_policy=true
  fi
  local status=0 install=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package")
  # A fresh machine has no package lists yet; update them only when the first attempt needs it.
  "${install[@]}" >&2 || { "${sudo[@]}" apt-get update >&2 && "${install[@]}" >&2; } || status=$?
  if $added_policy; then "${sudo[@]}" rm -f "$policy"; fi
  ((status == 0)) || die "apt-get install $package failed (exit $status); see the apt-get output above"
  command -v "$command" >/dev/null 2>&1 || die "Debian's $package was installed but '$command' is still not on PATH"
  command -v "$command"
}

# Prints the path of the prometheus binary, installing Debian's package if it is missing.
ensure_prometheus() {
  ensure_debian_package prometheus prometheus
}

# The same for the Pushgateway (burn --pushgateway's tests).
ensure_pushgateway() {
  ensure_debian_package prometheus-pushgateway prometheus-pushgateway
}
