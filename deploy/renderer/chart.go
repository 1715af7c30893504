package main

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// chart is a chart directory read into memory.
type chart struct {
	Name     string
	Metadata map[string]interface{}
	Values   map[string]interface{}
	// Templates by Helm's template name, e.g. "parley/templates/gateway/deployment.yaml".
	Templates map[string]string
	Files     files
}

// Chart.yaml keys as Helm exposes them on .Chart (its Metadata struct's field names).
var metadataFields = map[string]string{
	"apiVersion": "APIVersion", "name": "Name", "version": "Version", "appVersion": "AppVersion",
	"description": "Description", "type": "Type", "home": "Home", "sources": "Sources",
	"keywords": "Keywords", "maintainers": "Maintainers", "icon": "Icon", "annotations": "Annotations",
	"kubeVersion": "KubeVersion", "dependencies": "Dependencies", "deprecated": "Deprecated",
}

func loadChart(dir string) (*chart, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	var meta map[string]interface{}
	if err := yaml.Unmarshal(raw, &meta); err != nil {
		return nil, fmt.Errorf("Chart.yaml: %w", err)
	}
	c := &chart{Metadata: map[string]interface{}{}, Templates: map[string]string{}, Files: files{}}
	for key, value := range meta {
		field, ok := metadataFields[key]
		if !ok {
			return nil, fmt.Errorf("Chart.yaml: unknown field %q", key)
		}
		// Helm keeps versions as strings even when they look like numbers.
		if field == "Version" || field == "AppVersion" {
			value = fmt.Sprint(value)
		}
		c.Metadata[field] = value
	}
	name, _ := c.Metadata["Name"].(string)
	if name == "" {
		return nil, fmt.Errorf("Chart.yaml: name is required")
	}
	if v, _ := c.Metadata["Version"].(string); v == "" {
		return nil, fmt.Errorf("Chart.yaml: version is required")
	}
	c.Name = name

	c.Values = map[string]interface{}{}
	if raw, err := os.ReadFile(filepath.Join(dir, "values.yaml")); err == nil {
		if c.Values, err = parseValues(raw); err != nil {
			return nil, fmt.Errorf("values.yaml: %w", err)
		}
	} else if !os.IsNotExist(err) {
		return nil, err
	}

	ignore := readHelmignore(dir)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if ignored(ignore, rel, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		content, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, "templates/") {
			c.Templates[name+"/"+rel] = string(content)
		} else {
			c.Files[rel] = content
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// readHelmignore reads .helmignore: one glob per line, # comments, a trailing / for folders.
func readHelmignore(dir string) []string {
	raw, err := os.ReadFile(filepath.Join(dir, ".helmignore"))
	if err != nil {
		return nil
	}
	var patterns []string
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, line)
		}
	}
	return patterns
}

func ignored(patterns []string, rel string, isDir bool) bool {
	if rel == ".helmignore" {
		return true
	}
	for _, p := range patterns {
		dirOnly := strings.HasSuffix(p, "/")
		p = strings.TrimSuffix(p, "/")
		if dirOnly && !isDir {
			continue
		}
		target := rel
		if !strings.Contains(p, "/") {
			target = path.Base(rel)
		}
		if ok, _ := path.Match(p, target); ok {
			return true
		}
	}
	return false
}

// sortedTemplateNames lists templates in a stable order: by path.
func (c *chart) sortedTemplateNames() []string {
	names := make([]string, 0, len(c.Templates))
	for n := range c.Templates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
