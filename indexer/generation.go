package indexer

import (
	"fmt"
	"strconv"
	"strings"
)

// A Generation is the number of one complete index in a Store. Numbers
// grow with each build and are never used twice; the zero Generation is
// none. Written out it is the name of its directory, gen-000007.
type Generation uint64

const genPrefix = "gen-"

// String returns the generation's name: gen- and six digits or more.
func (g Generation) String() string { return fmt.Sprintf("%s%06d", genPrefix, uint64(g)) }

// ParseGeneration reads a generation's name (gen-000007) or its number (7).
func ParseGeneration(s string) (Generation, error) {
	digits := strings.TrimPrefix(s, genPrefix)
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, fmt.Errorf("bad generation %q: want a name such as gen-000007", s)
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("bad generation %q: want a name such as gen-000007", s)
	}
	return Generation(n), nil
}

// MarshalText writes the generation's name, so that JSON shows gen-000007.
func (g Generation) MarshalText() ([]byte, error) {
	if g == 0 {
		return []byte{}, nil
	}
	return []byte(g.String()), nil
}

// UnmarshalText reads a generation's name.
func (g *Generation) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*g = 0
		return nil
	}
	n, err := ParseGeneration(string(b))
	*g = n
	return err
}
