package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

const recursionLimit = 1000

// renderer holds the parsed template set, so that include and tpl can reach it.
type renderer struct {
	tmpl  *template.Template
	depth int
}

func render(c *chart, values map[string]interface{}, release releaseInfo, caps capabilities, notesOnly bool) (string, error) {
	r := &renderer{}
	r.tmpl = template.New(c.Name).Funcs(r.funcMap()).Option("missingkey=zero")
	for _, name := range c.sortedTemplateNames() {
		if _, err := r.tmpl.New(name).Parse(c.Templates[name]); err != nil {
			return "", cleanError(err)
		}
	}
	basePath := c.Name + "/templates"
	var out strings.Builder
	for _, name := range c.sortedTemplateNames() {
		base := path.Base(name)
		isNotes := base == "NOTES.txt"
		if strings.HasPrefix(base, "_") || isNotes != notesOnly {
			continue
		}
		top := map[string]interface{}{
			"Values":       values,
			"Release":      release,
			"Chart":        c.Metadata,
			"Capabilities": caps,
			"Files":        c.Files,
			"Template":     map[string]interface{}{"Name": name, "BasePath": basePath},
		}
		var buf bytes.Buffer
		if err := r.tmpl.ExecuteTemplate(&buf, name, top); err != nil {
			return "", cleanError(err)
		}
		// Helm prints missing map keys as empty, not "<no value>".
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if notesOnly {
			out.WriteString(text)
			continue
		}
		if isBlank(text) {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", name, strings.TrimSpace(text))
	}
	return out.String(), nil
}

// isBlank: only whitespace, comments and document separators.
func isBlank(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		l := strings.TrimSpace(line)
		if l != "" && l != "---" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}

var execErrorPattern = regexp.MustCompile(`(?s)^template: (.*?): executing ".*?" at <.*?>: error calling \w+: (.*)$`)

// cleanError shortens Go's template errors the way Helm does for fail and required.
func cleanError(err error) error {
	msg := err.Error()
	if m := execErrorPattern.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("execution error at (%s): %s", m[1], m[2])
	}
	return err
}

func (r *renderer) funcMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	// Helm removes these so that a chart renders the same on every machine.
	delete(f, "env")
	delete(f, "expandenv")
	extra := template.FuncMap{
		"toYaml":        toYAML,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		"required":      required,
		"include":       r.include,
		"tpl":           r.tpl,
		"lookup": func(string, string, string, string) (map[string]interface{}, error) {
			// Like `helm template`: there is no cluster to look anything up in.
			return map[string]interface{}{}, nil
		},
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func (r *renderer) include(name string, data interface{}) (string, error) {
	if r.depth > recursionLimit {
		return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
	}
	r.depth++
	defer func() { r.depth-- }()
	var buf bytes.Buffer
	if err := r.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// tpl renders a string as a template, with every named template of the chart available.
func (r *renderer) tpl(text string, data interface{}) (string, error) {
	clone, err := r.tmpl.Clone()
	if err != nil {
		return "", err
	}
	name := "tpl"
	if top, ok := data.(map[string]interface{}); ok {
		if t, ok := top["Template"].(map[string]interface{}); ok {
			name = fmt.Sprint(t["Name"])
		}
	}
	t, err := clone.New(name).Parse(text)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", err
	}
	return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
}

func required(msg string, v interface{}) (interface{}, error) {
	if v == nil {
		return nil, fmt.Errorf("%s", msg)
	}
	if s, ok := v.(string); ok && s == "" {
		return nil, fmt.Errorf("%s", msg)
	}
	return v, nil
}

// toYAML marshals like Helm's (through JSON, keys sorted), without the trailing newline.
func toYAML(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var generic interface{}
	if err := yaml.Unmarshal(data, &generic); err != nil {
		return ""
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(generic); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func fromYAML(s string) map[string]interface{} {
	values, err := parseValues([]byte(s))
	if err != nil {
		return map[string]interface{}{"Error": err.Error()}
	}
	return values
}

func fromYAMLArray(s string) []interface{} {
	var raw interface{}
	if err := yaml.Unmarshal([]byte(s), &raw); err != nil {
		return []interface{}{err.Error()}
	}
	conv, err := jsonRoundTrip(raw)
	if err != nil {
		return []interface{}{err.Error()}
	}
	list, ok := conv.([]interface{})
	if !ok {
		return []interface{}{fmt.Sprintf("expected a list, got %T", conv)}
	}
	return list
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(s string) []interface{} {
	var a []interface{}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return []interface{}{err.Error()}
	}
	return a
}
