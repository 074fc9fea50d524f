/** What the cluster behaviour reports to the simulator's /metrics (wired in index.ts). */
export interface ClusterMetrics {
  /** scheduler_schedule_attempts_total{result, profile="default-scheduler"} */
  scheduleAttempt(result: 'scheduled' | 'unschedulable'): void;
  /**
   * kubelet_pod_start_sli_duration_seconds: creation -> all containers started, image pulls
   * excluded; and how much of it the simulator added itself (its timers late, not the profile).
   */
  podStartSli(seconds: number, selfDelaySeconds: number): void;
}
