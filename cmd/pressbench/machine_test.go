package main

import "testing"

func TestMachineFigures(t *testing.T) {
	const stat = "cpu  9381 457547 35539 272132 5428 0 1441 403 0 0\ncpu0 4690 228773 17769 136066 2714 0 720 201 0 0\nintr 1\n"
	const pressure = "some avg10=0.51 avg60=0.96 avg300=0.72 total=37063540\nfull avg10=0.48 avg60=0.86 avg300=0.60 total=30977329\n"
	for _, tc := range []struct {
		name string
		stat string
		want machine
		ok   bool
	}{
		{"all CPUs' line", stat, machine{steal: 4.03, iowait: 54.28, known: true}, true},
		{"no cpu line first", "intr 1\n" + stat, machine{}, false},
		{"a line cut short", "cpu  9381 457547 35539 272132 5428\n", machine{}, false},
		{"a figure that is not a number", "cpu  1 2 3 4 x 6 7 8 9 10\n", machine{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseProcStat([]byte(tc.stat))
			if ok != tc.ok || got != tc.want {
				t.Errorf("got %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	for _, tc := range []struct {
		kind string
		want float64
		ok   bool
	}{
		{"full", 30.977329, true},
		{"some", 37.06354, true},
		{"other", 0, false},
	} {
		if got, ok := parsePressure([]byte(pressure), tc.kind); ok != tc.ok || got != tc.want {
			t.Errorf("%s: got %v, %v; want %v, %v", tc.kind, got, ok, tc.want, tc.ok)
		}
	}
	before := machine{steal: 4, iowait: 50, ioStalled: 30, known: true}
	after := machine{steal: 4.5, iowait: 52.25, ioStalled: 31.5, known: true}
	if got, want := after.since(before), "; the machine: 0.50 s stolen, 2.25 s waiting for I/O, 1.50 s of every task stalled on I/O"; got != want {
		t.Errorf("since: %q, want %q", got, want)
	}
	if got := after.since(machine{}); got != "" {
		t.Errorf("since an unknown state: %q, want nothing", got)
	}
}
