// Package awsemu is an in-process AWS API emulator for IAM, STS, EKS,
// EKS Auth and DynamoDB (DescribeTable), faithful enough on the wire that the
// real aws-sdk-go-v2 clients cannot tell it from AWS. See README.md.
package awsemu

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Server is the emulator. It is an http.Handler; Start/StartTest also listen.
type Server struct {
	seed *Seed

	mu  sync.Mutex // guards everything below
	st  *state
	ctl controls

	reqSeq  uint64
	httpSrv *http.Server
	ln      net.Listener
	url     string
	now     func() time.Time
}

// New builds a server from seed (nil => DefaultSeed()) without listening.
func New(seed *Seed) (*Server, error) {
	if seed == nil {
		seed = DefaultSeed()
	} else {
		seed = seed.clone()
		if err := seed.normalize(); err != nil {
			return nil, err
		}
	}
	st, err := newState(seed)
	if err != nil {
		return nil, err
	}
	s := &Server{seed: seed, st: st, now: time.Now}
	s.ctl.reset()
	return s, nil
}

// Start builds a server and serves it on addr (loopback only; use
// "127.0.0.1:0" for a random port) in the background.
func Start(addr string, seed *Seed) (*Server, error) {
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	s, err := New(seed)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.httpSrv.Serve(ln) }()
	return s, nil
}

// StartTest starts a server on a random loopback port and closes it when the
// test ends. A nil seed means DefaultSeed().
func StartTest(t testing.TB, seed *Seed) *Server {
	t.Helper()
	s, err := Start("127.0.0.1:0", seed)
	if err != nil {
		t.Fatalf("awsemu: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// checkLoopback refuses listen addresses that are not on the loopback range.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("awsemu: listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("awsemu: refusing to listen on non-loopback address %q", addr)
	}
	return nil
}

// URL is the endpoint, e.g. "http://127.0.0.1:4566" ("" if not listening).
func (s *Server) URL() string { return s.url }

// Close stops listening.
func (s *Server) Close() error {
	if s.httpSrv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.httpSrv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.httpSrv.Close()
	}
	return err
}

// AccountID is the seeded account id.
func (s *Server) AccountID() string { return s.seed.AccountID }

// Region is the seeded region.
func (s *Server) Region() string { return s.seed.Region }

// Partition is the seeded partition ("aws").
func (s *Server) Partition() string { return s.seed.Partition }

// Reset puts the state back to the seed, turns all controls off (faults,
// throttle, latency, propagation delay, clock) and clears the log and
// counters.
func (s *Server) Reset() {
	st, err := newState(s.seed)
	if err != nil {
		panic(err) // the seed was already loaded once
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = st
	s.ctl.reset()
	s.now = time.Now
}

// Dump returns a deep, JSON-serialisable copy of the whole state.
func (s *Server) Dump() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.dump()
}

// AddCluster adds an EKS cluster (with its sub-resources) behind the SDK's back.
func (s *Server) AddCluster(c SeedCluster) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.addSeedCluster(c)
}

func (s *Server) withCluster(name string, fn func(*Cluster) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.clusters[name]
	if c == nil {
		return fmt.Errorf("awsemu: no cluster %q", name)
	}
	return fn(c)
}

// AddNodegroup adds a managed node group to cluster.
func (s *Server) AddNodegroup(cluster string, ng SeedNodeGroup) error {
	return s.withCluster(cluster, func(c *Cluster) error { return s.st.addNodegroup(c, ng) })
}

// AddAccessEntry adds an access entry to cluster.
func (s *Server) AddAccessEntry(cluster string, ae SeedAccessEntry) error {
	return s.withCluster(cluster, func(c *Cluster) error { return s.st.addAccessEntry(c, ae) })
}

// AddFargateProfile adds a Fargate profile to cluster.
func (s *Server) AddFargateProfile(cluster string, fp SeedFargateProfile) error {
	return s.withCluster(cluster, func(c *Cluster) error { return s.st.addFargateProfile(c, fp) })
}

// AddAddon adds an add-on to cluster.
func (s *Server) AddAddon(cluster string, a SeedAddon) error {
	return s.withCluster(cluster, func(c *Cluster) error { return s.st.addAddon(c, a) })
}

// SetClusterStatus changes a cluster's status (e.g. "CREATING", "DELETING").
func (s *Server) SetClusterStatus(cluster, status string) error {
	return s.withCluster(cluster, func(c *Cluster) error { c.Status = status; return nil })
}

// PutTable creates or replaces a DynamoDB table.
func (s *Server) PutTable(t SeedTable) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.putSeedTable(t)
}

// PutRole creates an IAM role as the seed would (no propagation delay).
func (s *Server) PutRole(r SeedRole) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.addSeedRole(r)
}
