package corpus

import (
	"embed"
	"io/fs"
)

//go:embed default
var defaultFS embed.FS

// Default returns the embedded default corpus: the seed Telugu article on the
// EU–Japan security and defence partnership, the statements it quotes, and
// its English and Japanese translations.
func Default() ([]Document, error) {
	sub, err := fs.Sub(defaultFS, "default")
	if err != nil {
		return nil, err
	}
	return LoadFS(sub)
}
