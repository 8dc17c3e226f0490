{{/* The environment of the SEI images: settings, and secrets by reference. */}}


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
{{- /* The Solr user too: a rotation gives it a new one (spec.rotation.solrPassword). */}}
{{ include "sei.secretEnv" (list "SOLR_USERNAME" $app "SOLR_USERNAME") }}
{{ include "sei.secretEnv" (list "SOLR_PASSWORD" $app "SOLR_PASSWORD") }}
{{- with $v.mail.authentication }}
{{ include "sei.secretEnv" (list "APP_MAIL_SENHA" .passwordSecret.name .passwordSecret.key) }}
{{- end }}
{{- end -}}
