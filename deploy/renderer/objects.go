package main

import (
	"encoding/base64"
	"fmt"
	"path"
	"sort"
	"strings"
)

type releaseInfo struct {
	Name      string
	Namespace string
	IsInstall bool
	IsUpgrade bool
	Revision  int
	Service   string
}

type kubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

type apiVersions []string

// Has answers like Helm's: "group/version" or "group/version/Kind".
func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

type capabilities struct {
	KubeVersion kubeVersion
	APIVersions apiVersions
}

// The API versions of a plain cluster; CRD-backed ones (monitoring.coreos.com, keda.sh) only
// when given with --api-versions, as on a cluster without those operators.
var builtinAPIVersions = []string{
	"v1", "apps/v1", "batch/v1", "autoscaling/v1", "autoscaling/v2", "policy/v1",
	"networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "storage.k8s.io/v1",
	"apiextensions.k8s.io/v1", "admissionregistration.k8s.io/v1", "coordination.k8s.io/v1",
	"discovery.k8s.io/v1", "scheduling.k8s.io/v1",
}

func newCapabilities(version string, extra []string) (capabilities, error) {
	v := strings.TrimPrefix(version, "v")
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return capabilities{}, fmt.Errorf("--kube-version %q: expected major.minor[.patch]", version)
	}
	all := append(apiVersions{}, builtinAPIVersions...)
	all = append(all, extra...)
	return capabilities{
		KubeVersion: kubeVersion{Version: "v" + v, Major: parts[0], Minor: parts[1], GitVersion: "v" + v},
		APIVersions: all,
	}, nil
}

// files is .Files: every chart file outside templates/, by path relative to the chart.
type files map[string][]byte

func (f files) Get(name string) string { return string(f[name]) }

func (f files) GetBytes(name string) []byte { return f[name] }

// Glob returns the files whose path matches pattern (path.Match syntax; ** is not supported).
func (f files) Glob(pattern string) files {
	out := files{}
	for name, content := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = content
		}
	}
	return out
}

func (f files) sortedNames() []string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// AsConfig renders the files as the data of a ConfigMap: base name → content.
func (f files) AsConfig() string {
	m := map[string]interface{}{}
	for _, n := range f.sortedNames() {
		m[path.Base(n)] = string(f[n])
	}
	return toYAML(m)
}

// AsSecrets renders the files as the data of a Secret: base name → base64 content.
func (f files) AsSecrets() string {
	m := map[string]interface{}{}
	for _, n := range f.sortedNames() {
		m[path.Base(n)] = base64.StdEncoding.EncodeToString(f[n])
	}
	return toYAML(m)
}

func (f files) Lines(name string) []string {
	content := string(f[name])
	if content == "" {
		return []string{}
	}
	return strings.Split(strings.TrimSuffix(content, "\n"), "\n")
}
