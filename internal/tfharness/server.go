package tfharness

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Server serves a handler (the emulator) on a loopback address and can be stopped and started again on the
// same address, as a service that restarts does.
type Server struct {
	Addr string // host:port
	URL  string // http://host:port

	srv   *http.Server
	done  chan error
	conns atomic.Int64
}

// Connections is how many TCP connections the server has accepted since Serve: the benchmark counts the
// connections a terraform command opens by the difference.
func (s *Server) Connections() int64 { return s.conns.Load() }

// Serve listens on addr ("127.0.0.1:0" picks a free port) and serves h until Stop.
func Serve(h http.Handler, addr string) (*Server, error) {
	ln, err := listen(addr)
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), URL: "http://" + ln.Addr().String()}
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.conns.Add(1)
			}
		}}
	s.done = make(chan error, 1)
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// listen retries briefly: right after a Stop the kernel may still hold the port.
func listen(addr string) (net.Listener, error) {
	var lastErr error
	for range 50 {
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			return ln, nil
		}
		lastErr = err
		time.Sleep(100 * time.Millisecond)
	}
	return nil, lastErr
}

// Stop shuts the server down the way the emulator program does on SIGTERM: no new connections, requests in
// flight finish (up to the timeout), then every connection is closed.
func (s *Server) Stop(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.srv.Close()
	}
	if serr := <-s.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}
