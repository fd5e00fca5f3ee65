package license

import (
	"fmt"
	"os/exec"
	"regexp"
)

var machineGUID = regexp.MustCompile(`MachineGuid\s+REG_SZ\s+(\S+)`)

func machineID() (string, error) {
	out, err := exec.Command("reg", "query", `HKLM\SOFTWARE\Microsoft\Cryptography`, "/v", "MachineGuid").Output()
	if err != nil {
		return "", fmt.Errorf("%w: reg query: %v", ErrNoMachineID, err)
	}
	m := machineGUID.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("%w: no MachineGuid", ErrNoMachineID)
	}
	return string(m[1]), nil
}
