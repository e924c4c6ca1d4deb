package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// machine is what the machine lost to things other than the programs
// measured, in seconds since it started: CPU time the hypervisor gave
// other guests (steal), idle time with I/O outstanding (iowait), and time
// in which every task waited for I/O at once (the kernel's pressure stall
// information, "full"). A round whose p99 stands out beside a jump in
// these was slowed by the machine rather than by what it measured. Known
// is false where the kernel does not say (not Linux).
type machine struct {
	steal, iowait, ioStalled float64
	known                    bool
}

// userHZ is the unit of /proc/stat's times: 100 a second on every Linux
// architecture Go runs on.
const userHZ = 100

// readMachine reads the machine's figures from /proc.
func readMachine() machine {
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return machine{}
	}
	m, ok := parseProcStat(stat)
	if !ok {
		return machine{}
	}
	if io, err := os.ReadFile("/proc/pressure/io"); err == nil {
		m.ioStalled, _ = parsePressure(io, "full")
	}
	return m
}

// parseProcStat reads steal and iowait from the all-CPU line of
// /proc/stat ("cpu  user nice system idle iowait irq softirq steal ...").
func parseProcStat(raw []byte) (machine, bool) {
	line, _, _ := bytes.Cut(raw, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return machine{}, false
	}
	iowait, err1 := strconv.ParseFloat(string(f[5]), 64)
	steal, err2 := strconv.ParseFloat(string(f[8]), 64)
	if err1 != nil || err2 != nil {
		return machine{}, false
	}
	return machine{steal: steal / userHZ, iowait: iowait / userHZ, known: true}, true
}

// parsePressure reads the total of a /proc/pressure file's line kind
// ("some" or "full"), in seconds (the file gives microseconds).
func parsePressure(raw []byte, kind string) (float64, bool) {
	for line := range bytes.Lines(raw) {
		f := bytes.Fields(line)
		if len(f) == 0 || string(f[0]) != kind {
			continue
		}
		for _, kv := range f[1:] {
			if v, ok := bytes.CutPrefix(kv, []byte("total=")); ok {
				us, err := strconv.ParseFloat(string(v), 64)
				return us / 1e6, err == nil
			}
		}
	}
	return 0, false
}

// since says what the machine lost between before and m, or nothing where
// it is not known.
func (m machine) since(before machine) string {
	if !m.known || !before.known {
		return ""
	}
	return fmt.Sprintf("; the machine: %.2f s stolen, %.2f s waiting for I/O, %.2f s of every task stalled on I/O",
		m.steal-before.steal, m.iowait-before.iowait, m.ioStalled-before.ioStalled)
}
