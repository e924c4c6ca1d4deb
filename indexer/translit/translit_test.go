package translit

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	te "pressearch/indexer/lang/te"
)

func TestRomanize(t *testing.T) {
	tests := []struct{ te, want string }{
		{"బోరెల్", "borel"}, {"టోక్యో", "tokyo"}, {"ఇవాయా", "ivaya"}, {"నకాటాని", "nakatani"},
		{"ఉక్రెయిన్", "ukreyin"}, {"జపాన్", "japan"}, {"రష్యా", "rashya"}, {"చైనా", "chaina"},
		{"సంబంధం", "sambandhan"}, {"కొరియా", "koriya"},
	}
	for _, tt := range tests {
		if got := Romanize(tt.te); got != tt.want {
			t.Errorf("Romanize(%s) = %q, want %q", tt.te, got, tt.want)
		}
	}
}

// The names of the seed, as English writes them and as Telugu does, meet;
// words that only look alike do not.
func TestKeysMeetAcrossScripts(t *testing.T) {
	meet := [][2]string{
		{"Borrell", "బోరెల్"}, {"Tokyo", "టోక్యో"}, {"Iwaya", "ఇవాయా"}, {"Nakatani", "నకాటాని"},
		{"Ukraine", "ఉక్రెయిన్"}, {"Japan", "జపాన్"}, {"Russia", "రష్యా"}, {"Korea", "కొరియా"},
		{"China", "చైనా"}, {"Josep", "జోసెప్"}, {"Italy", "ఇటలీ"}, {"Tokyo", "టోక్యోలో"},
		{"Nakatani", "నకాటానిని"}, {"Ukraine", "ఉక్రెయిన్కు"}, {"Russia", "రష్యాతో"},
	}
	for _, m := range meet {
		lat := LatinKey(m[0])
		found := false
		for _, k := range TeluguKeys(m[1]) {
			found = found || k == lat
		}
		if !found {
			t.Errorf("%s (%s) and %s (%v) do not meet", m[0], lat, m[1], TeluguKeys(m[1]))
		}
	}
	apart := [][2]string{{"take", "టోక్యో"}, {"Seoul", "టోక్యో"}, {"Japanese", "జపాన్"}, {"bore", "బోరెల్"}}
	for _, a := range apart {
		for _, k := range TeluguKeys(a[1]) {
			if k == LatinKey(a[0]) {
				t.Errorf("%s and %s meet on %s", a[0], a[1], k)
			}
		}
	}
}

// A Filter that remembers keys gives the tokens the zero Filter gives,
// for words it has seen and words it has not, and after a shard fills.
func TestFilterRemembersKeysAsComputed(t *testing.T) {
	tok := te.NewTokenizer()
	texts := []string{
		"బోరెల్ Borrell హైదరాబాద్‌లో హైదరాబాద్ Hyderabad, రష్యాలతో రష్యా Russia",
		"Borrell said బోరెల్ అన్నారు 2024 ১২ 防衛 EU eu",
		"",
	}
	var b strings.Builder
	for i := range 20 * maxShardWords {
		fmt.Fprintf(&b, "word%c%d ", 'a'+rune(i%26), i)
	}
	texts = append(texts, b.String(), texts[0], texts[1])
	f := NewFilter()
	for round := range 2 {
		for _, text := range texts {
			norm := te.NewNormalizeFilter()
			got := f.Filter(norm.Filter(tok.Tokenize([]byte(text))))
			want := Filter{}.Filter(norm.Filter(tok.Tokenize([]byte(text))))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %.40q: %d tokens, want %d", round, text, len(got), len(want))
			}
		}
	}
	for i := range f.cache.shards {
		if n := len(f.cache.shards[i].m); n > maxShardWords {
			t.Errorf("shard %d holds %d words, bound %d", i, n, maxShardWords)
		}
	}
}
