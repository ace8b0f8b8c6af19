package controlplane

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// process is one started program with its log file.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	// env, bin and args start it again (Interrupt).
	env  []string
	bin  string
	args []string
}

// Run starts another program beside the control plane (a controller under test)
// with its output in <Dir>/<name>.log; Stop ends it first.
func (cp *ControlPlane) Run(name string, env []string, bin string, args ...string) error {
	_, err := cp.start(name, env, bin, args...)
	return err
}

// start runs bin in its own process group with its output in <Dir>/<name>.log.
func (cp *ControlPlane) start(name string, env []string, bin string, args ...string) (*process, error) {
	logf, err := os.OpenFile(filepath.Join(cp.Dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), env...)
	// Pdeathsig stops the process if the test binary dies without running cleanup.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, done: make(chan struct{}), env: env, bin: bin, args: args}
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	cp.mu.Lock()
	cp.procs = append(cp.procs, p)
	cp.mu.Unlock()
	return p, nil
}

// stop sends SIGTERM to the process group, then SIGKILL after 10 s.
func (p *process) stop() {
	if p.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// waitFor polls ready until it holds, the process exits or readyTimeout passes.
func (p *process) waitFor(ready func() bool) error {
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before it was ready", p.name)
		default:
		}
		if ready() {
			return nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready after %s", p.name, readyTimeout)
}

// InterruptAPIServer makes the API server unavailable for down, then serves again on the
// same address and storage: it freezes the running kube-apiserver (SIGSTOP, so requests
// in flight hang as on a lost network), kills it once down has passed, starts a new one
// with the same flags, and waits until it is ready. Controllers and clients reconnect
// on their own. What a control-plane upgrade, a failover or a network outage does to a
// deploy that is running.
func (cp *ControlPlane) InterruptAPIServer(down time.Duration) error {
	cp.mu.Lock()
	var api *process
	for _, p := range cp.procs {
		if p.name == "kube-apiserver" {
			api = p
		}
	}
	cp.mu.Unlock()
	if api == nil || api.cmd.Process == nil {
		return fmt.Errorf("controlplane: no kube-apiserver running")
	}
	if err := syscall.Kill(-api.cmd.Process.Pid, syscall.SIGSTOP); err != nil {
		return fmt.Errorf("freezing kube-apiserver: %w", err)
	}
	time.Sleep(down)
	_ = syscall.Kill(-api.cmd.Process.Pid, syscall.SIGKILL)
	<-api.done
	next, err := cp.start(api.name, api.env, api.bin, api.args...)
	if err != nil {
		return err
	}
	return next.waitFor(func() bool {
		status, _, err := cp.Do("GET", "/readyz", "", nil)
		return err == nil && status == 200
	})
}
