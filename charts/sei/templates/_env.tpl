{{/*
The environment of every container: the SEI images, the first install, Solr
and JOD. The plan gives every variable, name and value or Secret key, in the
values' env lists (core/resolve/sei-env.ts and solr-jod-env.ts, from the image
contract's names); these partials only render them. Secrets travel by
reference, never as values.
*/}}

{{/*
One env entry taken from a key of a Secret Terraform created. Call with (list NAME SECRET KEY OPTIONAL):
OPTIONAL true when the key may be missing.
*/}}
{{- define "sei.secretEnv" -}}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 | quote }}
      key: {{ index . 2 | quote }}
      {{- if index . 3 }}
      optional: true
      {{- end }}
{{- end -}}

{{/* A list of env entries from the values, each a value or a Secret key. Call with a list, e.g. .Values.env.app. */}}
{{- define "sei.env" -}}
{{- range $i, $e := . -}}
{{- if $i }}{{ "\n" }}{{ end -}}
{{- if hasKey $e "valueFrom" -}}
{{- with $e.valueFrom.secretKeyRef }}
{{- include "sei.secretEnv" (list $e.name .name .key (default false .optional)) }}
{{- end }}
{{- else -}}
- name: {{ $e.name }}
  value: {{ $e.value | quote }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The SEI image's settings as a map: the ConfigMap's data, and what its checksum covers. */}}
{{- define "sei.settings" -}}
{{- range .Values.env.settings }}
{{ .name }}: {{ .value | quote }}
{{- end }}
{{- end -}}
