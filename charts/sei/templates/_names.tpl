{{/*
Names and labels. Component names and the component label values (app,
scheduler, updater, solr, memcached, jod) are a contract with the namespace's
NetworkPolicies, which Terraform creates: keep them.
*/}}

{{/* Chart name, cut at 63 characters (a label value). */}}
{{- define "sei.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Base name of every object: the release name, or release-chart when the release
name does not already contain the chart name. The SeiRelease construct installs
release "sei", so objects are named sei-app, sei-solr, ...
*/}}
{{- define "sei.fullname" -}}
{{- if contains (include "sei.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "sei.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects. Call with (list $ "app"). */}}
{{- define "sei.componentName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "sei.fullname" $root) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sei.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Selector labels of one component: name, instance and component only. Selectors
are immutable, so nothing that can change (tier, phase, version) goes here.
Call with (list $ "app").
*/}}
{{- define "sei.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "sei.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
{{ $root.Values.componentLabel }}: {{ index . 1 }}
{{- end -}}

{{/* Labels of pod templates: selector labels plus what never changes with tier or phase. */}}
{{- define "sei.podLabels" -}}
{{ include "sei.selectorLabels" . }}
app.kubernetes.io/part-of: sei-municipios
{{- end -}}

{{/*
Labels of every object: pod labels plus chart, version and the municipality's
identity. Tier and phase label objects, not pods, so a phase change alone does
not restart anything.
*/}}
{{- define "sei.labels" -}}
{{- $root := index . 0 -}}
{{ include "sei.podLabels" . }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
helm.sh/chart: {{ include "sei.chart" $root }}
sei.mg.gov.br/municipality: {{ $root.Values.municipality.name }}
sei.mg.gov.br/ibge-code: {{ $root.Values.municipality.ibgeCode | quote }}
sei.mg.gov.br/tier: {{ $root.Values.municipality.tier }}
sei.mg.gov.br/phase: {{ $root.Values.municipality.phase }}
{{- end -}}

{{/* "repository:tag" of an image value, "repository:tag@sha256:…" when it is pinned by digest. */}}
{{- define "sei.image" -}}
{{- if .digest -}}
{{- printf "%s:%s@%s" .repository .tag .digest -}}
{{- else -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}
{{- end -}}

{{/*
Service names the SEI and SIP configuration hard-codes (docs/images.md, "Fixed
names"): SEI 5 calls http://jod:8080/conversion?format=pdf and SIP's cache is
memcached:11211. One namespace per municipality makes the plain names safe.
*/}}
{{- define "sei.serviceName.jod" -}}jod{{- end -}}
{{- define "sei.serviceName.memcached" -}}memcached{{- end -}}
