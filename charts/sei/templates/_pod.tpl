{{/*
The pod pieces every workload shares: the restricted pod and container (the
same contexts as core/pod-security.ts gives the pods Terraform makes; test/chart
compares them), resources, probes and volumes.
*/}}

{{/*
Pod-level settings shared by every pod: the namespace's ServiceAccount without a
token (nothing here talks to the API server), no service-link variables (they
would shadow SOLR_PORT and friends), the registry pull secret, and the restricted
Pod Security profile. Call with (list $ USER): the image's non-root user and
group from the values (core/image-contract.ts), e.g. (list . .Values.app.user).
*/}}
{{- define "sei.podSpecCommon" -}}
{{- $root := index . 0 -}}
{{- $user := index . 1 -}}
serviceAccountName: {{ $root.Values.serviceAccountName | quote }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ $user.uid }}
  runAsGroup: {{ $user.gid }}
  fsGroup: {{ $user.gid }}
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
The app probe: SIP's login form (app.probe, from the image contract), found by
its password field, which renders only when SEI, SIP and the database answer (a
redirect from /sei/ proves none of them). An exec probe, because an HTTP probe
checks the status only. It asks as the Ingress forwards a browser's request
(X-Forwarded-Proto: https): SIP redirects any request it does not see as HTTPS.
*/}}
{{- define "sei.app.loginProbe" -}}
exec:
  command:
    - /bin/sh
    - -c
    {{- with .Values.app }}
    - {{ printf "curl -fsS --max-time 5 -H 'X-Forwarded-Proto: https' \"http://127.0.0.1:%v%s\" | grep -q '%s'" .port .probe.path .probe.bodyContains | quote }}
    {{- end }}
{{- end -}}

{{/*
A scratch volume: a writable path of an image that is not a claim, an emptyDir
of the pod with its sizeLimit; both from the values (core/image-contract.ts
SCRATCH_VOLUMES). Call with (list NAME SCRATCH), e.g. (list "tmp" .Values.jod.scratch.tmp).
*/}}
{{- define "sei.scratchMount" -}}
- name: {{ index . 0 }}
  mountPath: {{ (index . 1).mountPath }}
{{- end -}}

{{- define "sei.scratchVolume" -}}
- name: {{ index . 0 }}
  emptyDir:
    sizeLimit: {{ (index . 1).sizeLimit }}
{{- end -}}

{{/*
Writable directories of the SEI image under a read-only root filesystem: /tmp,
/run and SIP's temp folder, each an emptyDir of the pod; and SEI's temp folder,
the shared claim Terraform creates: an upload is written there by one request
and read by a later one, which may reach another replica.
*/}}
{{- define "sei.app.scratchMounts" -}}
{{- $s := .Values.app.scratch -}}
{{ include "sei.scratchMount" (list "tmp" $s.tmp) }}
{{ include "sei.scratchMount" (list "run" $s.run) }}
- name: sei-temp
  mountPath: {{ .Values.temp.mountPath }}
{{ include "sei.scratchMount" (list "sip-temp" $s.sipTemp) }}
{{- end -}}

{{- define "sei.app.scratchVolumes" -}}
{{- $s := .Values.app.scratch -}}
{{ include "sei.scratchVolume" (list "tmp" $s.tmp) }}
{{ include "sei.scratchVolume" (list "run" $s.run) }}
- name: sei-temp
  persistentVolumeClaim:
    claimName: {{ .Values.temp.existingClaim | quote }}
{{ include "sei.scratchVolume" (list "sip-temp" $s.sipTemp) }}
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
