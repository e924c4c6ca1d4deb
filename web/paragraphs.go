package web

import "strings"

// paragraphs splits a body into its non-empty lines.
func paragraphs(body string) []string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
