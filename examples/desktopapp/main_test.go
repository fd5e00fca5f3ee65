package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
)

func TestDemo(t *testing.T) {
	var out bytes.Buffer
	if err := demo(context.Background(), &out); err != nil {
		t.Fatalf("%v; output:\n%s", err, out.String())
	}
	want := regexp.MustCompile(`(?s)^No POLAR_LICENSE_KEY: polartest's fake server \(Demo data\) on the loopback interface\.
\n\$ desktopapp   # first run
First run: activated this machine \(activation [0-9a-f-]{36}\)\.
License \*\*\*\*-BBBB valid \(checked online, 100 of 100 uses\); offline until 2026-08-08 12:00:00\.
\n\$ desktopapp   # two days later, Polar unreachable
License \*\*\*\*-BBBB valid \(offline: last checked 2026-08-01 12:00:00, this run not counted\); valid until 2026-08-08 12:00:00\.
\n\$ desktopapp   # eight days later, still unreachable
refused: the license does not allow this run: license: Polar cannot be reached and the grace period has passed .*
\n\$ desktopapp uninstall
Deactivated; activated again: false\.
$`)
	if !want.MatchString(out.String()) {
		t.Errorf("output:\n%s", out.String())
	}
}
