// Command render renders a Helm chart the way `helm template` does, for machines without helm.
//
// It covers what the Parley chart uses: values merged from the chart's values.yaml, -f files and
// --set overrides; Go templates with sprig and Helm's own functions (include, tpl, required,
// toYaml, fromYaml, toJson, fromJson, lookup); .Values, .Release, .Chart, .Capabilities, .Files
// and .Template. `helm lint` and `helm template` stay the reference: the chart must not depend on
// anything this program does differently.
//
// Usage:
//
//	render --chart helm/parley [-f values.yaml]... [--set a.b=c]... [--name parley]
//	       [--namespace default] [--kube-version 1.30.0] [--api-versions keda.sh/v1alpha1]...
//	       [--notes]
//
// The manifests go to stdout as a YAML stream, each document headed by `# Source: <template>`.
// With --notes only the rendered NOTES.txt is printed. Errors go to stderr with exit code 1.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	var valueFiles, sets, apiVersions multiFlag
	chartDir := flag.String("chart", "", "chart directory")
	name := flag.String("name", "parley", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kubeVersion := flag.String("kube-version", "1.30.0", "Kubernetes version for .Capabilities")
	notes := flag.Bool("notes", false, "print the rendered NOTES.txt instead of the manifests")
	flag.Var(&valueFiles, "f", "values file (repeatable; - reads stdin)")
	flag.Var(&valueFiles, "values", "values file (repeatable; - reads stdin)")
	flag.Var(&sets, "set", "override a value: a.b.c=value (repeatable)")
	flag.Var(&apiVersions, "api-versions", "extra API version for .Capabilities.APIVersions (repeatable)")
	flag.Parse()

	if *chartDir == "" {
		fail(fmt.Errorf("--chart is required"))
	}
	chart, err := loadChart(*chartDir)
	if err != nil {
		fail(err)
	}
	overrides := []map[string]interface{}{}
	for _, file := range valueFiles {
		var data []byte
		if file == "-" {
			data, err = io.ReadAll(os.Stdin)
		} else {
			data, err = os.ReadFile(file)
		}
		if err != nil {
			fail(err)
		}
		values, err := parseValues(data)
		if err != nil {
			fail(fmt.Errorf("%s: %w", file, err))
		}
		overrides = append(overrides, values)
	}
	setValues := map[string]interface{}{}
	for _, s := range sets {
		if err := applySet(setValues, s); err != nil {
			fail(err)
		}
	}
	overrides = append(overrides, setValues)

	values := chart.Values
	for _, o := range overrides {
		values = coalesce(values, o)
	}
	release := releaseInfo{Name: *name, Namespace: *namespace, IsInstall: true, Revision: 1, Service: "Helm"}
	caps, err := newCapabilities(*kubeVersion, apiVersions)
	if err != nil {
		fail(err)
	}
	out, err := render(chart, values, release, caps, *notes)
	if err != nil {
		fail(err)
	}
	fmt.Print(out)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "Error: %s\n", err)
	os.Exit(1)
}
