{{/*
Checks JSON Schema cannot express. Rendered (as nothing) by the env ConfigMap so
that every install and template run goes through them.
*/}}
{{- define "sei.validate" -}}
{{- $app := .Values.app -}}
{{- if and $app.autoscaling.enabled (lt (int $app.autoscaling.maxReplicas) (int $app.autoscaling.minReplicas)) -}}
{{- fail (printf "app.autoscaling.maxReplicas (%v) must be at least app.autoscaling.minReplicas (%v)" $app.autoscaling.maxReplicas $app.autoscaling.minReplicas) -}}
{{- end -}}
{{- if $app.podDisruptionBudget.enabled -}}
{{- $least := ternary $app.autoscaling.minReplicas $app.replicas $app.autoscaling.enabled -}}
{{- if le (int $least) (int $app.podDisruptionBudget.minAvailable) -}}
{{- fail (printf "app.podDisruptionBudget.minAvailable (%v) must be below the app's replica count (%v), or no node could ever be drained" $app.podDisruptionBudget.minAvailable $least) -}}
{{- end -}}
{{- end -}}
{{- end -}}
