package license

import (
	"fmt"
	"os/exec"
	"regexp"
)

var platformUUID = regexp.MustCompile(`"IOPlatformUUID" = "([^"]+)"`)

func machineID() (string, error) {
	out, err := exec.Command("/usr/sbin/ioreg", "-rd1", "-c", "IOPlatformExpertDevice").Output()
	if err != nil {
		return "", fmt.Errorf("%w: ioreg: %v", ErrNoMachineID, err)
	}
	m := platformUUID.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("%w: ioreg shows no IOPlatformUUID", ErrNoMachineID)
	}
	return string(m[1]), nil
}
