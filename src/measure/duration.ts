/** Whole seconds as Prometheus and kube-burner's {{.elapsed}} write them: "300s". */
export function formatSeconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}
