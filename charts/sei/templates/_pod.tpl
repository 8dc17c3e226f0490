{{/*
The pod pieces every workload shares: the restricted pod and container (the
same contexts as core/pod-security.ts gives the pods Terraform makes; test/chart
compares them), resources, probes and volumes.
*/}}

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
