//go:build unix

package license

import (
	"os"
	"syscall"
)

// crossProcess reports whether lockFile excludes other processes: on unix
// systems it takes flock(2), which every process of the machine that
// opens the same file honours, and which the kernel releases when the
// process dies, however it dies.
const crossProcess = true

// lockFile takes an exclusive lock on f, waiting for it. flock locks an
// open file description, so two descriptors of one process exclude each
// other too.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

// unlockFile releases the lock of lockFile.
func unlockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
