package redislimit_test

import "syscall"

// serverProcAttr makes the kernel kill redis-server when the test binary
// dies, also when a timeout ends it before TestMain can stop the server.
func serverProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
