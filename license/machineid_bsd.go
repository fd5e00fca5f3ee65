//go:build freebsd || openbsd || netbsd || dragonfly

package license

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

func machineID() (string, error) {
	if runtime.GOOS == "freebsd" {
		if b, err := os.ReadFile("/etc/hostid"); err == nil && strings.TrimSpace(string(b)) != "" {
			return string(b), nil
		}
		if out, err := exec.Command("/sbin/sysctl", "-n", "kern.hostuuid").Output(); err == nil && strings.TrimSpace(string(out)) != "" {
			return string(out), nil
		}
		return "", fmt.Errorf("%w: no /etc/hostid or kern.hostuuid", ErrNoMachineID)
	}
	out, err := exec.Command("/sbin/sysctl", "-n", "hw.uuid").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		return "", fmt.Errorf("%w: no hw.uuid", ErrNoMachineID)
	}
	return string(out), nil
}
