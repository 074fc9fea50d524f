// Command go-crosscheck renders every case of burn's template conformance table with Go's
// text/template and sprig v3.3.0's function map (as kube-burner v2.7.3 registers it, plus
// kube-burner's own functions) and prints the results as JSON, one object per case.
//
// Usage: go-crosscheck CASES.yaml > results.json, or go-crosscheck -functions (the names, one a line).
package main

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"sort"
	"strings"
	"text/template"

	sprig "github.com/Masterminds/sprig/v3"
	"gonum.org/v1/gonum/stat/combin"
	"gopkg.in/yaml.v3"
)

type table struct {
	Data  map[string]any `yaml:"data"`
	Cases []struct {
		Name     string         `yaml:"name"`
		Template string         `yaml:"tpl"`
		Data     map[string]any `yaml:"data"`
		Zero     bool           `yaml:"missingKeyZero"`
	} `yaml:"cases"`
}

type result struct {
	Name   string  `json:"name"`
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

// kubeBurnerFunctions are the functions kube-burner v2.7.3 adds to sprig's map (pkg/util/template.go):
// gonum's combinatorics, a /24 per index, a slice of a space-separated address list, and reading a file.
func kubeBurnerFunctions() template.FuncMap {
	return template.FuncMap{
		"Binomial":           combin.Binomial,
		"IndexToCombination": combin.IndexToCombination,
		"GetSubnet24": func(i int) string {
			return netip.AddrFrom4([4]byte{byte(i>>16 + 1), byte(i >> 8), byte(i), 0}).String() + "/24"
		},
		"GetIPAddress": func(addresses string, iteration int, perIteration int) string {
			all := strings.Split(addresses, " ")
			picked := make([]string, 0, perIteration)
			for k := 0; k < perIteration; k++ {
				picked = append(picked, all[iteration*perIteration+k])
			}
			return strings.Join(picked, " ")
		},
		"ReadFile": func(path string) (string, error) {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("failed to open file: %w", err)
			}
			return string(b), nil
		},
	}
}

func render(name, source string, data any, zero bool) (out string, err error) {
	option := "missingkey=error"
	if zero {
		option = "missingkey=zero"
	}
	t, err := template.New(name).Option(option).Funcs(sprig.TxtFuncMap()).Funcs(kubeBurnerFunctions()).Parse(source)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	err = t.Execute(&b, data)
	return b.String(), err
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-functions" {
		// Every function a kube-burner template can call, besides text/template's built-ins.
		names := []string{}
		for name := range sprig.TxtFuncMap() {
			names = append(names, name)
		}
		for name := range kubeBurnerFunctions() {
			names = append(names, name)
		}
		sort.Strings(names)
		fmt.Println(strings.Join(names, "\n"))
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go-crosscheck CASES.yaml | go-crosscheck -functions")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var tab table
	if err := yaml.Unmarshal(raw, &tab); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	results := make([]result, 0, len(tab.Cases))
	for _, c := range tab.Cases {
		data := tab.Data
		if c.Data != nil {
			data = c.Data
		}
		out, err := render("t", c.Template, data, c.Zero)
		r := result{Name: c.Name}
		if err != nil {
			msg := err.Error()
			r.Error = &msg
		} else {
			r.Output = &out
		}
		results = append(results, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
