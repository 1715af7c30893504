import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderChart } from './render';

// A small chart exercising the Helm features the parley chart relies on.
const files: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 1.2.3\nappVersion: "2.0"\n',
  'values.yaml': 'name: demo\nbig: 1000000\nkeep: {a: 1, b: 2}\ntemplated: "{{ .Release.Name }}-x"\n',
  'files/one.txt': 'first',
  'files/two.txt': 'second',
  'templates/_helpers.tpl': '{{- define "demo.label" -}}{{ .Chart.Name }}-{{ .Chart.Version }}{{- end -}}',
  'templates/cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Values.name }}
  namespace: {{ .Release.Namespace }}
data:
  label: {{ include "demo.label" . | quote }}
  raw: {{ .Values.big | quote }}
  asInt: {{ .Values.big | int | quote }}
  keep: {{ toJson .Values.keep | quote }}
  templated: {{ tpl .Values.templated . | quote }}
  keda: {{ .Capabilities.APIVersions.Has "keda.sh/v1alpha1" | quote }}
  kube: {{ .Capabilities.KubeVersion.Minor | quote }}
  source: {{ .Template.Name | quote }}
  lookup: {{ lookup "v1" "Secret" "ns" "name" | toJson | quote }}
  fromYaml: {{ (.Files.Get "files/one.txt" | printf "k: %s" | fromYaml).k | quote }}
{{- range $path, $_ := .Files.Glob "files/*.txt" }}
  {{ base $path }}: {{ $.Files.Get $path | quote }}
{{- end }}
`,
  'templates/required.yaml':
    '{{- if .Values.needed }}{{ required "needed.value is required" .Values.needed.value }}{{- end }}',
  'templates/NOTES.txt': 'Installed {{ .Release.Name }}.',
};

describe('deploy/renderer', () => {
  let chart: string;
  beforeAll(() => {
    chart = mkdtempSync(join(tmpdir(), 'parley-chart-'));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(chart, path)), { recursive: true });
      writeFileSync(join(chart, path), content);
    }
  });
  afterAll(() => rmSync(chart, { recursive: true, force: true }));

  it('renders like helm template: values, include, tpl, Files, Capabilities, Release, Chart', () => {
    const result = renderChart({
      chart,
      releaseName: 'rel',
      namespace: 'ns',
      values: [{ keep: { b: null, c: 3 } }],
      set: ['name=override'],
      apiVersions: ['keda.sh/v1alpha1'],
    });
    if (!result.ok) throw new Error(result.error);
    expect(result.objects).toHaveLength(1);
    expect(result.objects[0]?.source).toBe('demo/templates/cm.yaml');
    expect(result.objects[0]?.object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'override', namespace: 'ns' },
      data: {
        label: 'demo-1.2.3',
        // Helm reads numbers as floats: printed raw, a large one turns into 1e+06.
        raw: '1e+06',
        asInt: '1000000',
        // A null in a values file removes the default; maps merge key by key.
        keep: '{"a":1,"c":3}',
        templated: 'rel-x',
        keda: 'true',
        kube: '30',
        source: 'demo/templates/cm.yaml',
        lookup: '{}',
        fromYaml: 'first',
        'one.txt': 'first',
        'two.txt': 'second',
      },
    });
  });

  it('fails like helm on required values, naming the template', () => {
    const result = renderChart({ chart, values: [{ needed: { other: 1 } }] });
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^execution error at \(demo\/templates\/required\.yaml:1:\d+\): needed\.value is required$/,
      ),
    });
  });
});
