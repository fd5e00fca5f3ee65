package license

import (
	"fmt"
	"os"
	"strings"
)

// machineIDFiles are where Linux keeps its machine ID, in order.
var machineIDFiles = []string{"/etc/machine-id", "/var/lib/dbus/machine-id"}

func machineID() (string, error) {
	for _, p := range machineIDFiles {
		if b, err := os.ReadFile(p); err == nil && strings.TrimSpace(string(b)) != "" {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("%w (no %s)", ErrNoMachineID, strings.Join(machineIDFiles, " or "))
}
