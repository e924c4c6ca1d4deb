package translit

import "testing"

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
