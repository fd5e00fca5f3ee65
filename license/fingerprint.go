package license

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
)

// ErrNoMachineID is returned by Fingerprint when the system offers no
// machine identifier the package can read.
var ErrNoMachineID = errors.New("license: no machine identifier on this system")

// Fingerprint returns a stable identifier of this machine for app, to pass
// as an activation condition (see MachineConditions): 64 hexadecimal
// digits, the HMAC-SHA256, keyed with app, of the operating system's name
// (runtime.GOOS) and the machine identifier the system keeps:
//   - Linux: /etc/machine-id, else /var/lib/dbus/machine-id (set at
//     installation by systemd or D-Bus);
//   - macOS: the IOPlatformUUID of the hardware, read with ioreg;
//   - Windows: MachineGuid under HKLM\SOFTWARE\Microsoft\Cryptography,
//     read with reg (set at installation);
//   - FreeBSD: /etc/hostid, else the kern.hostuuid sysctl; the other BSDs:
//     the hw.uuid sysctl.
//
// Nothing else goes in: not the host name, user, network addresses or
// hardware serial numbers, so renaming the machine or changing its network
// keeps the fingerprint, while reinstalling the system (or cloning a
// virtual machine image that resets its ID) changes it. The identifier
// itself never leaves the machine, and different apps get unrelated
// fingerprints. It fails with an error matching ErrNoMachineID when the
// system has no identifier to read.
func Fingerprint(app string) (string, error) {
	id, err := machineID()
	if err != nil {
		return "", err
	}
	return fingerprintOf(app, id)
}

// fingerprintOf hashes a raw machine identifier.
func fingerprintOf(app, id string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return "", ErrNoMachineID
	}
	mac := hmac.New(sha256.New, []byte("polar-go/license:"+app))
	fmt.Fprintf(mac, "%s\x00%s", runtime.GOOS, strings.ToLower(id))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// MachineConditions returns the activation conditions that tie an
// activation to this machine: {"machine": Fingerprint(app)}. Pass them to
// Manager.Activate; every later validation sends them again, and Polar
// refuses a validation from another machine.
func MachineConditions(app string) (map[string]any, error) {
	fp, err := Fingerprint(app)
	if err != nil {
		return nil, err
	}
	return map[string]any{"machine": fp}, nil
}
