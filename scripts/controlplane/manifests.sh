# Renders the YAML `up` feeds to kwok, kubectl and Prometheus; sourced by up (after lib.sh).

# render_kwok_stages DELAY_MS JITTER_MS: kwok's lifecycle stages for nodes and pods. A scheduled pod
# turns Running and Ready after DELAY_MS plus up to JITTER_MS more (kwok's jitterDurationMilliseconds
# is the upper bound of the random delay, not the extra). Pods of Jobs complete after the same delay.
render_kwok_stages() {
  local delay_ms="$1" jitter_ms="$2"
  local delay="  delay:
    durationMilliseconds: $delay_ms
    jitterDurationMilliseconds: $((delay_ms + jitter_ms))"
  cat <<EOF
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-initialize
spec:
  resourceRef: {apiGroup: v1, kind: Node}
  selector:
    matchExpressions:
    - {key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: NotIn, values: ['True']}
  next:
    statusTemplate: |
      {{ \$now := Now }}
      conditions:
      {{ range NodeConditions }}
      - type: {{ .type | Quote }}
        status: {{ .status | Quote }}
        reason: {{ .reason | Quote }}
        message: {{ .message | Quote }}
        lastHeartbeatTime: {{ \$now | Quote }}
        lastTransitionTime: {{ \$now | Quote }}
      {{ end }}
      addresses:
      {{ with .status.addresses }}
      {{ YAML . 1 }}
      {{ else }}
      {{ with NodeIP }}
      - {type: InternalIP, address: {{ . | Quote }}}
      {{ end }}
      - {type: Hostname, address: {{ NodeName | Quote }}}
      {{ end }}
      {{ with NodePort }}
      daemonEndpoints:
        kubeletEndpoint:
          Port: {{ . }}
      {{ end }}
      allocatable:
      {{ YAML .status.allocatable 1 }}
      capacity:
      {{ YAML .status.capacity 1 }}
      nodeInfo:
        architecture: amd64
        operatingSystem: linux
        kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
        kubeProxyVersion: {{ printf "kwok-%s" Version | Quote }}
        containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
        kernelVersion: {{ printf "kwok-%s" Version | Quote }}
        osImage: kwok
        machineID: ""
        systemUUID: ""
        bootID: ""
      phase: Running
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-heartbeat
spec:
  resourceRef: {apiGroup: v1, kind: Node}
  selector:
    matchExpressions:
    - {key: '.status.phase', operator: In, values: [Running]}
    - {key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: In, values: ['True']}
  # Leases carry the heartbeat; the status is refreshed rarely, as a kubelet does.
  delay:
    durationMilliseconds: 60000
    jitterDurationMilliseconds: 65000
  next:
    statusTemplate: |
      {{ \$now := Now }}
      conditions:
      {{ range NodeConditions }}
      - type: {{ .type | Quote }}
        status: {{ .status | Quote }}
        reason: {{ .reason | Quote }}
        message: {{ .message | Quote }}
        lastHeartbeatTime: {{ \$now | Quote }}
        lastTransitionTime: {{ \$now | Quote }}
      {{ end }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-ready
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
    - {key: '.status.phase', operator: In, values: [Pending]}
    - {key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: NotIn, values: ['True']}
$delay
  # A kubelet records these events (core/v1, named <pod>.<hex nanoseconds> by client-go's recorder,
  # which kube-burner's podLatency parses) as it starts the containers; kwok records them the same way.
  steps:
  - event: {type: Normal, reason: Pulling, message: 'Pulling image'}
  - event: {type: Normal, reason: Pulled, message: 'Successfully pulled image'}
  - event: {type: Normal, reason: Created, message: 'Created container'}
  - event: {type: Normal, reason: Started, message: 'Started container'}
  - patch:
      subresource: status
      root: status
      template: |
        {{ \$now := Now }}
        conditions:
        - {type: PodReadyToStartContainers, status: "True", lastTransitionTime: {{ \$now | Quote }}}
        - {type: Initialized, status: "True", lastTransitionTime: {{ \$now | Quote }}}
        - {type: ContainersReady, status: "True", lastTransitionTime: {{ \$now | Quote }}}
        - {type: Ready, status: "True", lastTransitionTime: {{ \$now | Quote }}}
        {{ range .spec.readinessGates }}
        - {type: {{ .conditionType | Quote }}, status: "True", lastTransitionTime: {{ \$now | Quote }}}
        {{ end }}
        containerStatuses:
        {{ range .spec.containers }}
        - name: {{ .name | Quote }}
          image: {{ .image | Quote }}
          ready: true
          started: true
          restartCount: 0
          state:
            running:
              startedAt: {{ \$now | Quote }}
        {{ end }}
        initContainerStatuses:
        {{ range .spec.initContainers }}
        - name: {{ .name | Quote }}
          image: {{ .image | Quote }}
          ready: true
          restartCount: 0
          state:
            terminated:
              exitCode: 0
              reason: Completed
              startedAt: {{ \$now | Quote }}
              finishedAt: {{ \$now | Quote }}
        {{ end }}
        {{ with NodeIPsWith .spec.nodeName }}
        hostIP: {{ index . 0 | Quote }}
        hostIPs:
        {{ range . }}
        - ip: {{ . | Quote }}
        {{ end }}
        {{ end }}
        {{ with PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
        podIP: {{ index . 0 | Quote }}
        podIPs:
        {{ range . }}
        - ip: {{ . | Quote }}
        {{ end }}
        {{ end }}
        phase: Running
        startTime: {{ \$now | Quote }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-complete
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
    - {key: '.status.phase', operator: In, values: [Running]}
    - {key: '.metadata.ownerReferences.[].kind', operator: In, values: [Job]}
$delay
  next:
    statusTemplate: |
      {{ \$now := Now }}
      conditions:
      - {type: Ready, status: "False", reason: PodCompleted, lastTransitionTime: {{ \$now | Quote }}}
      - {type: ContainersReady, status: "False", reason: PodCompleted, lastTransitionTime: {{ \$now | Quote }}}
      containerStatuses:
      {{ range .spec.containers }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        ready: false
        started: false
        restartCount: 0
        state:
          terminated:
            exitCode: 0
            reason: Completed
            startedAt: {{ \$now | Quote }}
            finishedAt: {{ \$now | Quote }}
      {{ end }}
      phase: Succeeded
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-delete
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: Exists}
  next:
    delete: true
EOF
}

# render_kwok_nodes N [METRICS]: N Node objects that kwok manages. Capacity is that of a common 8 vCPU /
# 32 GiB worker; allocatable subtracts typical kubelet and system reservations. No taints, so
# ordinary pods schedule onto them. Node i has address 172.18.(i/250).(i%250 + 2), which kwok
# gives its pods as hostIP, and owns pod CIDR 10.(244 + i/256).(i%256).0/24. With METRICS=true
# each node also lists ExternalIP 127.0.0.1 and the path of its kwok resource metrics, which is
# where metrics-server scrapes it.
render_kwok_nodes() {
  local count="$1" metrics="${2:-false}" i name annotation='' address=''
  for ((i = 0; i < count; i++)); do
    name="kwok-node-$i"
    if [[ "$metrics" == true ]]; then
      annotation="
    metrics.k8s.io/resource-metrics-path: /metrics/nodes/$name/metrics/resource"
      address="
  - {type: ExternalIP, address: 127.0.0.1}"
    fi
    cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $name
  labels:
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node-role.kubernetes.io/worker: ""
    type: kwok
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"$annotation
spec:
  podCIDR: 10.$((244 + i / 256)).$((i % 256)).0/24
  podCIDRs: [10.$((244 + i / 256)).$((i % 256)).0/24]
status:
  capacity: {cpu: "8", memory: 32Gi, pods: "110", ephemeral-storage: 100Gi}
  allocatable: {cpu: 7910m, memory: 31Gi, pods: "110", ephemeral-storage: 95Gi}
  addresses:
  - {type: InternalIP, address: 172.18.$((i / 250)).$((i % 250 + 2))}
  - {type: Hostname, address: $name}$address
---
EOF
  done
}

# render_kwok_resource_metrics: kwok config for what a kubelet's /metrics/resource serves, per node
# at /metrics/nodes/<node>/metrics/resource: the counters and gauges metrics-server reads, computed
# from each pod's emulated usage. A pod uses the CPU and memory its annotations
# kwok.x-k8s.io/usage-cpu and kwok.x-k8s.io/usage-memory give (Kubernetes quantities), else 1m and 1Mi.
render_kwok_resource_metrics() {
  local labels="    labels:
    - {name: namespace, value: pod.metadata.namespace}
    - {name: pod, value: pod.metadata.name}"
  cat <<EOF
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterResourceUsage
metadata:
  name: usage-from-annotations
spec:
  usages:
  - usage:
      cpu:
        expression: |
          "kwok.x-k8s.io/usage-cpu" in pod.metadata.annotations ? Quantity(pod.metadata.annotations["kwok.x-k8s.io/usage-cpu"]) : Quantity("1m")
      memory:
        expression: |
          "kwok.x-k8s.io/usage-memory" in pod.metadata.annotations ? Quantity(pod.metadata.annotations["kwok.x-k8s.io/usage-memory"]) : Quantity("1Mi")
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Metric
metadata:
  name: kubelet-resource-metrics
spec:
  path: /metrics/nodes/{nodeName}/metrics/resource
  metrics:
  - {name: scrape_error, dimension: node, kind: gauge, help: 1 when reading the node failed, value: "0"}
  - name: node_cpu_usage_seconds_total
    dimension: node
    kind: counter
    help: CPU time the node used, in core-seconds
    value: node.CumulativeUsage("cpu")
  - name: node_memory_working_set_bytes
    dimension: node
    kind: gauge
    help: working set of the node, in bytes
    value: node.Usage("memory")
  - name: pod_cpu_usage_seconds_total
    dimension: pod
    kind: counter
    help: CPU time the pod used, in core-seconds
$labels
    value: pod.CumulativeUsage("cpu")
  - name: pod_memory_working_set_bytes
    dimension: pod
    kind: gauge
    help: working set of the pod, in bytes
$labels
    value: pod.Usage("memory")
  - name: container_start_time_seconds
    dimension: container
    kind: gauge
    help: when the container started, in seconds since the epoch
$labels
    - {name: container, value: container.name}
    value: pod.SinceSecond()
  - name: container_cpu_usage_seconds_total
    dimension: container
    kind: counter
    help: CPU time the container used, in core-seconds
$labels
    - {name: container, value: container.name}
    value: pod.CumulativeUsage("cpu", container.name)
  - name: container_memory_working_set_bytes
    dimension: container
    kind: gauge
    help: working set of the container, in bytes
$labels
    - {name: container, value: container.name}
    value: pod.Usage("memory", container.name)
EOF
}

# render_metrics_api_service PORT: registers metrics.k8s.io with the aggregator, served by the
# metrics-server on 127.0.0.1:PORT (named by an ExternalName Service; see up).
render_metrics_api_service() {
  cat <<EOF
apiVersion: v1
kind: Service
metadata: {name: metrics-server, namespace: kube-system}
spec:
  type: ExternalName
  externalName: 127.0.0.1
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  service: {name: metrics-server, namespace: kube-system, port: $1}
EOF
}

# render_prometheus_config TOKEN_FILE APISERVER_PORT CM_PORT SCHEDULER_PORT ETCD_METRICS_PORT KWOK_PORT
render_prometheus_config() {
  local token_file="$1" apiserver_port="$2" cm_port="$3" scheduler_port="$4" etcd_port="$5" kwok_port="$6"
  local job name port
  cat <<EOF
global:
  scrape_interval: 5s
  scrape_timeout: 4s
  evaluation_interval: 5s
scrape_configs:
EOF
  # The serving certificates are self-signed per start; the bearer token is what matters here.
  for job in "apiserver $apiserver_port" "kube-controller-manager $cm_port" "kube-scheduler $scheduler_port"; do
    read -r name port <<<"$job"
    cat <<EOF
- job_name: $name
  scheme: https
  authorization:
    credentials_file: $token_file
  tls_config:
    insecure_skip_verify: true
  static_configs:
  - targets: ['127.0.0.1:$port']
EOF
  done
  for job in "etcd $etcd_port" "kwok $kwok_port"; do
    read -r name port <<<"$job"
    cat <<EOF
- job_name: $name
  static_configs:
  - targets: ['127.0.0.1:$port']
EOF
  done
}
