package te

import (
	"strconv"
	"strings"
)

// cardinals are the Telugu number words that are one word, in their
// common spellings, normalized. Numbers between the tens are written as
// two words (ఇరవై ఐదు) or as digits, and each word meets its digits.
var cardinals = map[string]int{
	"ఒకటి": 1, "రెండు": 2, "మూడు": 3, "నాలుగు": 4, "ఐదు": 5, "అయిదు": 5,
	"ఆరు": 6, "ఏడు": 7, "ఎనిమిది": 8, "తొమ్మిది": 9, "పది": 10,
	"పదకొండు": 11, "పన్నెండు": 12, "పదమూడు": 13, "పద్నాలుగు": 14, "పధ్నాలుగు": 14,
	"పదిహేను": 15, "పదహేను": 15, "పదునైదు": 15, "పదహారు": 16, "పదిహారు": 16, "పదారు": 16,
	"పదిహేడు": 17, "పదహేడు": 17, "పద్దెనిమిది": 18, "పద్ధెనిమిది": 18,
	"పందొమ్మిది": 19, "పంతొమ్మిది": 19,
	"ఇరవై": 20, "ఇరవయ్యి": 20, "ముప్పై": 30, "ముప్పయ్యి": 30, "నలభై": 40, "నలబై": 40,
	"యాభై": 50, "యాబై": 50, "అరవై": 60, "డెబ్బై": 70, "ఎనభై": 80, "ఎనబై": 80,
	"తొంభై": 90, "తొంబై": 90, "వంద": 100, "నూరు": 100, "వెయ్యి": 1000, "వేయి": 1000,
}

// numerals maps every cardinal and ordinal form of the number words to
// their digits, the ordinals with the ordinal suffix as the tokenizer
// keeps it on digits: పదహారు and 16 meet, and పదహారవ, పదహారో and 16వ
// meet, but the third (మూడవ) is not three (మూడు). The ordinal is the
// cardinal with its final -u or -i replaced by -అవ (మూడవ) or the spoken -ఓ
// (మూడో), or, after -ై, with -వ or -యవ added (ఇరవైయవ, ఇరవయ్యవ); -అవది
// and -ఓది make its noun (మూడవది).
var numerals = func() map[string]string {
	out := map[string]string{}
	for w, n := range cardinals {
		d := strconv.Itoa(n)
		out[w] = d
		base := w
		switch {
		case strings.HasSuffix(w, "ు"), strings.HasSuffix(w, "ి"):
			base = strings.TrimSuffix(strings.TrimSuffix(w, "ు"), "ి")
		case strings.HasSuffix(w, "ై"):
			for _, o := range []string{"వ", "యవ", "యవది"} {
				out[w+o] = d + ordinal
			}
			base = strings.TrimSuffix(w, "ై") + "య్య"
		}
		for _, o := range []string{"వ", "ో", "వది", "ోది"} {
			out[base+o] = d + ordinal
		}
	}
	return out
}()
