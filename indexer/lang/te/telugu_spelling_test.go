package te

import "testing"

func TestPartner(t *testing.T) {
	for _, tt := range []struct{ r, want rune }{
		{'క', 'ఖ'}, {'ఖ', 'క'}, {'భ', 'బ'}, {'ొ', 'ో'}, {'ీ', 'ి'}, {'ఆ', 'అ'},
		{'మ', 0}, {'ా', 0}, {'a', 0}, {'防', 0},
	} {
		if got := Partner(tt.r); got != tt.want {
			t.Errorf("Partner(%q) = %q, want %q", tt.r, got, tt.want)
		}
	}
	if !LongA('ా') || LongA('ి') {
		t.Errorf("LongA is wrong")
	}
}
