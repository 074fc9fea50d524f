/** The object template the lifecycle-keys tests create: one pause pod per iteration. */
export const PAUSE_POD = `apiVersion: v1
kind: Pod
metadata:
  name: p-{{ .Iteration }}
spec:
  containers:
    - name: c
      image: registry.k8s.io/pause:3.10
`;
