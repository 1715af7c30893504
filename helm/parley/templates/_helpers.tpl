{{/* Names, labels and small shared pieces of the chart. */}}

{{- define "parley.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every resource name; room is left for the longest suffix ("-prometheus-rules"). */}}
{{- define "parley.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 45 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 45 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 45 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "parley.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "parley.labels" -}}
helm.sh/chart: {{ include "parley.chart" . }}
app.kubernetes.io/name: {{ include "parley.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: parley
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "gateway"). */}}
{{- define "parley.selectorLabels" -}}
app.kubernetes.io/name: {{ include "parley.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All labels of one component's objects: (dict "root" $ "component" "gateway"). */}}
{{- define "parley.componentLabels" -}}
{{ include "parley.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Name of a component's objects: (dict "root" $ "component" "gateway"). */}}
{{- define "parley.componentName" -}}
{{- printf "%s-%s" (include "parley.fullname" .root) .component -}}
{{- end -}}

{{- define "parley.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "parley.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret the pods read: the existing one, or the chart's own. */}}
{{- define "parley.secretName" -}}
{{- default (include "parley.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* Image reference: (dict "root" $ "image" .Values.gateway.image). A tag starting with sha256: is a digest. */}}
{{- define "parley.image" -}}
{{- $root := .root -}}
{{- $repo := .image.repository -}}
{{- if $root.Values.image.registry -}}
{{- $repo = printf "%s/%s" (trimSuffix "/" $root.Values.image.registry) $repo -}}
{{- end -}}
{{- $tag := toString (default $root.Chart.AppVersion $root.Values.image.tag) -}}
{{- if hasPrefix "sha256:" $tag -}}
{{- printf "%s@%s" $repo $tag -}}
{{- else -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}
{{- end -}}

{{/*
An environment value as text. Helm reads every number in values as a float64 and would print
1000000 as 1e+06, which the processes reject: whole numbers are printed as integers.
*/}}
{{- define "parley.envValue" -}}
{{- $v := . -}}
{{- if kindIs "float64" $v -}}
{{- if eq $v (floor $v) -}}{{- int64 $v -}}{{- else -}}{{- $v -}}{{- end -}}
{{- else if kindIs "invalid" $v -}}
{{- else -}}
{{- toString $v -}}
{{- end -}}
{{- end -}}

{{/* Where Redis is: "bundled", "url", "secret" (REDIS_URL from the Secret). */}}
{{- define "parley.redisSource" -}}
{{- if .Values.redis.bundled.enabled -}}bundled
{{- else if .Values.redis.url -}}url
{{- else -}}secret
{{- end -}}
{{- end -}}

{{/* The URL of the bundled Redis. */}}
{{- define "parley.bundledRedisUrl" -}}
{{- printf "redis://%s-redis:6379" (include "parley.fullname" .) -}}
{{- end -}}

{{/* Number of LLM_FALLBACKS entries: each may have an LLM_FALLBACK_<N>_API_KEY. */}}
{{- define "parley.fallbackCount" -}}
{{- $spec := include "parley.envValue" (index .Values.worker.config "LLM_FALLBACKS") -}}
{{- $count := 0 -}}
{{- range splitList "," $spec -}}{{- if trim . -}}{{- $count = add1 $count -}}{{- end -}}{{- end -}}
{{- $count -}}
{{- end -}}

{{/* The Prometheus label matchers that pick one component's series of this release. */}}
{{- define "parley.metricSelector" -}}
{{- printf "namespace=%q,job=%q" .root.Release.Namespace (include "parley.componentName" .) -}}
{{- end -}}

{{/* One autoscaling query by name, from autoscaling-queries.yaml, with its selector filled in: (dict "root" $ "name" "worker_backlog" "selector" "…"). */}}
{{- define "parley.autoscalingQuery" -}}
{{- $queries := .root.Files.Get "autoscaling-queries.yaml" | fromYaml -}}
{{- $query := required (printf "autoscaling-queries.yaml has no query named %s" .name) (index $queries .name) -}}
{{- replace "$selector" .selector $query | trim -}}
{{- end -}}

{{/* Whether the gateway's request rate goes through KEDA (else prometheus-adapter). */}}
{{- define "parley.gatewayUsesKeda" -}}
{{- if and .Values.gateway.autoscaling.enabled (eq .Values.gateway.autoscaling.metric "requestRate") .Values.worker.autoscaling.keda.enabled -}}true{{- end -}}
{{- end -}}

{{/* Whether prometheus-adapter's rules are rendered. */}}
{{- define "parley.adapterRulesEnabled" -}}
{{- $mode := .Values.prometheusAdapter.rules.enabled -}}
{{- if eq (toString $mode) "auto" -}}
{{- if or .Values.worker.autoscaling.hpa.enabled (and .Values.gateway.autoscaling.enabled (eq .Values.gateway.autoscaling.metric "requestRate") (not .Values.worker.autoscaling.keda.enabled)) -}}true{{- end -}}
{{- else if $mode -}}true
{{- end -}}
{{- end -}}

{{/* The Bot API server the processes call. */}}
{{- define "parley.telegramApiRoot" -}}
{{- if .Values.standIns.enabled -}}
{{- printf "http://%s-tg-emulator:%d" (include "parley.fullname" .) (int .Values.standIns.telegramEmulator.port) -}}
{{- else -}}
{{- include "parley.envValue" .Values.config.TELEGRAM_API_ROOT -}}
{{- end -}}
{{- end -}}

{{/* Pod-level settings shared by gateway and worker: (dict "root" $ "values" .Values.gateway "component" "gateway"). */}}
{{- define "parley.podPlacement" -}}
{{- $v := .values -}}
{{- with $v.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
topologySpreadConstraints:
{{- if $v.topologySpreadConstraints }}
  {{- toYaml $v.topologySpreadConstraints | nindent 2 }}
{{- else }}
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "parley.selectorLabels" (dict "root" .root "component" .component) | nindent 8 }}
{{- end }}
{{- end -}}

{{/* An HTTP probe: (dict "path" "/livez" "port" "http" "settings" .Values.gateway.probes.liveness). */}}
{{- define "parley.probe" -}}
httpGet:
  path: {{ .path }}
  port: {{ .port }}
{{ toYaml .settings }}
{{- end -}}

{{/* An int-or-string field: "25%" stays a string, "1" becomes the number 1. */}}
{{- define "parley.intOrString" -}}
{{- if regexMatch "^[0-9]+$" . -}}{{ . }}{{- else -}}{{ . | quote }}{{- end -}}
{{- end -}}

{{/* authenticationRef of a KEDA trigger, when one is configured. */}}
{{- define "parley.kedaAuthRef" -}}
{{- with .authenticationRef.name -}}
authenticationRef:
  name: {{ . }}
  kind: {{ $.authenticationRef.kind }}
{{- end -}}
{{- end -}}
