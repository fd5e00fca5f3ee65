//go:build !linux

package redislimit_test

import "syscall"

func serverProcAttr() *syscall.SysProcAttr { return nil }
