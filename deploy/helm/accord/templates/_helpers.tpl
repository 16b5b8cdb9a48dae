{{/* The chart's name, at most 63 characters (a DNS label). */}}
{{- define "accord.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's objects' name: the release name, with the chart's unless it holds it. */}}
{{- define "accord.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "accord.selectorLabels" -}}
app.kubernetes.io/name: {{ include "accord.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The broker's pods: the migration Job's pods carry the same name and instance but another
component, so neither the Service nor the PodDisruptionBudget counts them. */}}
{{- define "accord.brokerSelectorLabels" -}}
{{ include "accord.selectorLabels" . }}
app.kubernetes.io/component: broker
{{- end -}}

{{- define "accord.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "accord.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "accord.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* One env entry read from a Secret key: (list "ACCORD_X" .Values.secrets.x). */}}
{{- define "accord.secretEnv" -}}
{{- $name := index . 0 -}}
{{- $ref := index . 1 -}}
{{- if not $ref.name -}}
{{- fail (printf "secrets: the Secret holding %s needs a name" $name) -}}
{{- end -}}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name }}
      key: {{ required (printf "secrets: the Secret key holding %s" $name) $ref.key }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/* The broker's configuration: ACCORD_* variables only, secrets by reference. The migration
Job gets the database URL and the plain settings, not the other secrets. */}}
{{- define "accord.env" -}}
{{ include "accord.secretEnv" (list "ACCORD_DATABASE_URL" .Values.secrets.databaseUrl) }}
{{ include "accord.secretEnv" (list "ACCORD_ADMIN_TOKEN" .Values.secrets.adminToken) }}
{{- if .Values.secrets.auditKey.name }}
{{ include "accord.secretEnv" (list "ACCORD_AUDIT_KEY" .Values.secrets.auditKey) }}
{{- end }}
{{- if .Values.secrets.sessionKey.name }}
{{ include "accord.secretEnv" (list "ACCORD_SESSION_KEY" .Values.secrets.sessionKey) }}
{{- end }}
{{- with .Values.secrets.databaseReadUrl }}{{ if .name }}
{{ include "accord.secretEnv" (list "ACCORD_DATABASE_READ_URL" .) }}
{{- end }}{{ end }}
{{ include "accord.plainEnv" . }}
{{- end -}}

{{- define "accord.migrationEnv" -}}
{{ include "accord.secretEnv" (list "ACCORD_DATABASE_URL" .Values.secrets.databaseUrl) }}
{{ include "accord.plainEnv" . }}
{{- end -}}

{{- define "accord.plainEnv" -}}
- name: ACCORD_PORT
  value: {{ .Values.containerPort | quote }}
{{- with .Values.baseUrl }}
- name: ACCORD_BASE_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.trustedProxies }}
- name: ACCORD_TRUSTED_PROXIES
  value: {{ . | quote }}
{{- end }}
{{- range $name, $value := .Values.env }}
{{- if not (hasPrefix "ACCORD_" $name) }}
{{- fail (printf "env: %s is not an ACCORD_* variable; the broker reads only those" $name) }}
{{- end }}
{{- if has $name (list "ACCORD_DATABASE_URL" "ACCORD_DATABASE_READ_URL" "ACCORD_ADMIN_TOKEN" "ACCORD_AUDIT_KEY" "ACCORD_SESSION_KEY") }}
{{- fail (printf "env: %s is a secret; set it through secrets, not in values" $name) }}
{{- end }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}
