package web

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// langName names the document language code in the interface language ui,
// as CLDR writes it (తెలుగు, Telugu, テルグ語). A code CLDR cannot name is
// shown as it is: a reader who filtered by it should recognise it.
func langName(ui language.Tag, code string) string {
	tag, err := language.Parse(code)
	if err != nil || tag == language.Und {
		return code
	}
	namer := display.Tags(ui)
	name := namer.Name(tag)
	if name == "" || name == namer.Name(language.Und) {
		return code
	}
	return name
}
