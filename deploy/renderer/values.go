package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// parseValues reads YAML the way Helm does: through JSON, so every number becomes a float64
// (which is why templates must format numbers with `int` or `toString`, never print them raw:
// Helm prints 1000000 as 1e+06).
func parseValues(data []byte) (map[string]interface{}, error) {
	var raw interface{}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return map[string]interface{}{}, nil
	}
	converted, err := jsonRoundTrip(raw)
	if err != nil {
		return nil, err
	}
	values, ok := converted.(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("values must be a map, got %T", converted)
	}
	return values, nil
}

// jsonRoundTrip turns YAML-decoded data into what encoding/json would produce.
func jsonRoundTrip(v interface{}) (interface{}, error) {
	normalized, err := stringKeys(v)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(normalized)
	if err != nil {
		return nil, err
	}
	var out interface{}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func stringKeys(v interface{}) (interface{}, error) {
	switch t := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, val := range t {
			conv, err := stringKeys(val)
			if err != nil {
				return nil, err
			}
			out[k] = conv
		}
		return out, nil
	case map[interface{}]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, val := range t {
			conv, err := stringKeys(val)
			if err != nil {
				return nil, err
			}
			out[fmt.Sprint(k)] = conv
		}
		return out, nil
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, val := range t {
			conv, err := stringKeys(val)
			if err != nil {
				return nil, err
			}
			out[i] = conv
		}
		return out, nil
	default:
		return v, nil
	}
}

// coalesce merges override into base like Helm: maps merge key by key, anything else is
// replaced, and a null in the override removes the key.
func coalesce(base, override map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(base))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range override {
		if v == nil {
			delete(out, k)
			continue
		}
		baseMap, baseIsMap := out[k].(map[string]interface{})
		overMap, overIsMap := v.(map[string]interface{})
		if baseIsMap && overIsMap {
			out[k] = coalesce(baseMap, overMap)
		} else {
			out[k] = v
		}
	}
	return out
}

// applySet applies one `a.b.c=value` override. Values are typed like Helm's --set: integers,
// booleans and null are recognised, everything else is a string.
func applySet(values map[string]interface{}, assignment string) error {
	eq := strings.Index(assignment, "=")
	if eq <= 0 {
		return fmt.Errorf("--set %q: expected key=value", assignment)
	}
	keys := strings.Split(assignment[:eq], ".")
	raw := assignment[eq+1:]
	var value interface{} = raw
	switch {
	case raw == "true":
		value = true
	case raw == "false":
		value = false
	case raw == "null":
		value = nil
	default:
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			value = n
		}
	}
	current := values
	for i, key := range keys {
		if key == "" {
			return fmt.Errorf("--set %q: empty key", assignment)
		}
		if i == len(keys)-1 {
			current[key] = value
			return nil
		}
		next, ok := current[key].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			current[key] = next
		}
		current = next
	}
	return nil
}
