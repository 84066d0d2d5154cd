// Kubernetes timestamps: RFC 3339, UTC, whole seconds (metav1.Time).

export function kubeTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
