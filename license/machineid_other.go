//go:build !linux && !darwin && !windows && !freebsd && !openbsd && !netbsd && !dragonfly

package license

func machineID() (string, error) { return "", ErrNoMachineID }
