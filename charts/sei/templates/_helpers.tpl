{{/*
Names, labels and the pod pieces every workload shares. Component names and the
component label values (app, scheduler, updater, solr, memcached, jod) are a
contract with the namespace's NetworkPolicies, which Terraform creates: keep them.
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
Pod-level settings shared by every pod: the namespace's ServiceAccount without a
token (nothing here talks to the API server), no service-link variables (they
would shadow SOLR_PORT and friends), the registry pull secret, and the restricted
Pod Security profile. Call with (list $ UID): the image's non-root user.
*/}}
{{- define "sei.podSpecCommon" -}}
{{- $root := index . 0 -}}
{{- $uid := index . 1 -}}
serviceAccountName: {{ $root.Values.serviceAccountName | quote }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ $uid }}
  runAsGroup: {{ $uid }}
  fsGroup: {{ $uid }}
  # Large volumes (documents, Solr) are chown-ed only when their root is not ours yet.
  fsGroupChangePolicy: OnRootMismatch
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{/* Container-level restricted Pod Security settings; the root filesystem is read-only. */}}
{{- define "sei.containerSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{/*
requests and limits from a HelmResources value. ephemeral-storage is the node-local
disk a container may fill: its logs, and the emptyDirs of its pod (each with its own
sizeLimit below); the namespace quota counts it, so every container declares it.
*/}}
{{- define "sei.resources" -}}
resources:
  requests:
    cpu: {{ .requests.cpu | quote }}
    memory: {{ .requests.memory | quote }}
    ephemeral-storage: {{ .requests.ephemeralStorage | quote }}
  limits:
    cpu: {{ .limits.cpu | quote }}
    memory: {{ .limits.memory | quote }}
    ephemeral-storage: {{ .limits.ephemeralStorage | quote }}
{{- end -}}

{{/*
Non-root users of the images. The SEI image (Apache + PHP) runs as www-data (33)
like the Debian php:apache images it derives from; Solr and memcached use the
users of their official images; JOD runs as an unprivileged 1000 with HOME in /tmp.
*/}}
{{- define "sei.uid.app" -}}33{{- end -}}
{{- define "sei.uid.solr" -}}8983{{- end -}}
{{- define "sei.uid.memcached" -}}11211{{- end -}}
{{- define "sei.uid.jod" -}}1000{{- end -}}
{{- define "sei.uid.bootstrap" -}}65532{{- end -}}

{{/*
Service names the SEI and SIP configuration hard-codes (docs/images.md, "Fixed
names"): SEI 5 calls http://jod:8080/conversion?format=pdf and SIP's cache is
memcached:11211. One namespace per municipality makes the plain names safe.
*/}}
{{- define "sei.serviceName.jod" -}}jod{{- end -}}
{{- define "sei.serviceName.memcached" -}}memcached{{- end -}}

{{/*
The app probe: SIP's login form, found by its password field, which renders
only when SEI, SIP and the database answer (a redirect from /sei/ proves none
of them). An exec probe, because an HTTP probe checks the status only. It asks
as the Ingress forwards a browser's request (X-Forwarded-Proto: https): SIP
redirects any request it does not see as HTTPS.
*/}}
{{- define "sei.app.loginProbe" -}}
exec:
  command:
    - /bin/sh
    - -c
    - {{ printf "curl -fsS --max-time 5 -H 'X-Forwarded-Proto: https' \"http://127.0.0.1:%v/sip/login.php?sigla_orgao_sistema=${APP_ORGAO}&sigla_sistema=SEI\" | grep -q 'id=\"pwdSenha\"'" .Values.app.port | quote }}
{{- end -}}

{{/* The Solr user SEI authenticates as (basic auth); its password is SOLR_PASSWORD of the app Secret. */}}
{{- define "sei.solr.username" -}}sei{{- end -}}

{{/* Space-separated Solr core names, in a fixed order. */}}
{{- define "sei.solr.cores" -}}
{{- with .Values.solr.cores -}}
{{- printf "%s %s %s" .protocolos .basesConhecimento .publicacoes -}}
{{- end -}}
{{- end -}}

{{/*
Non-secret settings of the SEI image (names: docs/architecture.md, "The SEI instance"), as a YAML map.
The ConfigMap holds them for app and scheduler; the updater, a pre-install hook
that runs before the ConfigMap exists, gets the same map inline.
*/}}
{{- define "sei.appConfig" -}}
{{- $v := .Values -}}
APP_PROTOCOLO: https
APP_HOST: {{ $v.host | quote }}
APP_ORGAO: {{ $v.municipality.name | upper | trunc 30 | trimSuffix "-" | quote }}
APP_ORGAO_DESCRICAO: {{ printf "Prefeitura Municipal de %s" $v.municipality.displayName | quote }}
# Shown beside "SEI" in the page header.
APP_NOMECOMPLEMENTO: {{ $v.municipality.displayName | quote }}
APP_DB_TIPO: {{ $v.database.type | quote }}
APP_DB_HOST: {{ $v.database.host | quote }}
APP_DB_PORTA: {{ $v.database.port | quote }}
APP_DB_SEI_BASE: {{ $v.database.seiDatabase | quote }}
APP_DB_SEI_USERNAME: {{ $v.database.seiUsername | quote }}
APP_DB_SIP_BASE: {{ $v.database.sipDatabase | quote }}
APP_DB_SIP_USERNAME: {{ $v.database.sipUsername | quote }}
APP_DB_ROOT_USERNAME: {{ $v.database.rootUsername | quote }}
APP_SOLR_CORE_PROTOCOLOS: {{ $v.solr.cores.protocolos | quote }}
APP_SOLR_CORE_BASECONHECIMENTO: {{ $v.solr.cores.basesConhecimento | quote }}
APP_SOLR_CORE_PUBLICACOES: {{ $v.solr.cores.publicacoes | quote }}
# Seconds between Solr commits per core: the public entrypoint's defaults.
APP_SOLR_TEMPO_COMMIT_PROTOCOLOS: "300"
APP_SOLR_TEMPO_COMMIT_BASECONHECIMENTO: "60"
APP_SOLR_TEMPO_COMMIT_PUBLICACOES: "60"
# The Solr server without credentials: ConfiguracaoSEI.php passes SOLR_USERNAME
# and SOLR_PASSWORD as its Solr Usuario and Senha.
APP_SOLR_URL: {{ printf "http://%s:%d/solr" (include "sei.componentName" (list . "solr")) (int $v.solr.port) | quote }}
APP_MEMCACHED_HOST: {{ include "sei.serviceName.memcached" . | quote }}
APP_MEMCACHED_SESSION: {{ $v.memcached.sessions | quote }}
# 2 = SMTP (1 would be the local sendmail, which the image does not have).
APP_MAIL_TIPO: "2"
APP_MAIL_SERVIDOR: {{ $v.mail.host | quote }}
APP_MAIL_PORTA: {{ $v.mail.port | quote }}
APP_MAIL_SEGURANCA: {{ $v.mail.security | quote }}
# Empty: no SMTP authentication; otherwise APP_MAIL_SENHA comes from its Secret.
APP_MAIL_USUARIO: {{ with $v.mail.authentication }}{{ .username | quote }}{{ else }}""{{ end }}
SOLR_USERNAME: {{ include "sei.solr.username" . | quote }}
{{- end -}}

{{/* One env entry taken from a key of a Secret Terraform created. Call with (list NAME SECRET KEY). */}}
{{- define "sei.secretEnv" -}}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 }}
      key: {{ index . 2 }}
{{- end -}}

{{/*
Secret env of the SEI image: database passwords, access keys and the Solr
password by reference to the two Secrets Terraform generates (core/naming.ts
SECRET_KEYS). Call with (list $ withRoot): only the updater gets the database
root password.
*/}}
{{- define "sei.appSecretEnv" -}}
{{- $root := index . 0 -}}
{{- $v := $root.Values -}}
{{- $db := $v.database.secretName -}}
{{- $app := $v.secrets.appSecretName -}}
{{ include "sei.secretEnv" (list "APP_DB_SEI_PASSWORD" $db "APP_DB_SEI_PASSWORD") }}
{{ include "sei.secretEnv" (list "APP_DB_SIP_PASSWORD" $db "APP_DB_SIP_PASSWORD") }}
{{- if index . 1 }}
{{ include "sei.secretEnv" (list "APP_DB_ROOT_PASSWORD" $db "APP_DB_ROOT_PASSWORD") }}
{{- end }}
{{ include "sei.secretEnv" (list "APP_SEI_CHAVE_ACESSO" $app "APP_SEI_CHAVE_ACESSO") }}
{{ include "sei.secretEnv" (list "APP_SIP_CHAVE_ACESSO" $app "APP_SIP_CHAVE_ACESSO") }}
{{ include "sei.secretEnv" (list "SOLR_PASSWORD" $app "SOLR_PASSWORD") }}
{{- with $v.mail.authentication }}
{{ include "sei.secretEnv" (list "APP_MAIL_SENHA" .passwordSecret.name .passwordSecret.key) }}
{{- end }}
{{- end -}}

{{/*
Writable directories of the SEI image under a read-only root filesystem: /tmp
(uploads up to ~500 MB, PHP sessions when they are not in memcached), /run
(Apache pid and locks) and SIP's temp folder, each an emptyDir of the pod; and
SEI's temp folder, the shared claim Terraform creates: an upload is written
there by one request and read by a later one, which may reach another replica.
*/}}
{{- define "sei.app.scratchMounts" -}}
- name: tmp
  mountPath: /tmp
- name: run
  mountPath: /run
- name: sei-temp
  mountPath: {{ .Values.temp.mountPath }}
- name: sip-temp
  mountPath: /opt/sip/temp
{{- end -}}

{{- define "sei.app.scratchVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 2Gi
- name: run
  emptyDir:
    sizeLimit: 64Mi
- name: sei-temp
  persistentVolumeClaim:
    claimName: {{ .Values.temp.existingClaim | quote }}
- name: sip-temp
  emptyDir:
    sizeLimit: 512Mi
{{- end -}}

{{/* The document repository (ReadWriteMany claim created by Terraform), shared by app and scheduler. */}}
{{- define "sei.documentsVolume" -}}
- name: documents
  persistentVolumeClaim:
    claimName: {{ .Values.documents.existingClaim | quote }}
{{- end -}}

{{- define "sei.documentsMount" -}}
- name: documents
  mountPath: {{ .Values.documents.mountPath }}
{{- end -}}

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
