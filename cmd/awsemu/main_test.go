package main

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestRunServesUntilStopped(t *testing.T) {
	t.Parallel()
	var out, errb syncBuf
	stop := make(chan struct{})
	done := make(chan int)
	go func() {
		done <- run([]string{"--listen", "127.0.0.1:0", "--seed", "../../internal/awsemu/testdata/seed-example.json"}, &out, &errb, stop)
	}()
	re := regexp.MustCompile(`awsemu listening on (http://127\.0\.0\.1:\d+)`)
	var url string
	for i := 0; i < 200 && url == ""; i++ {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	if url == "" {
		t.Fatalf("no listening line: %q %q", out.String(), errb.String())
	}
	resp, err := http.Get(url + "/_awsemu/state")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("admin status %d", resp.StatusCode)
	}
	close(stop)
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "awsemu stopped") {
		t.Fatal(out.String())
	}
}

func TestRunRejects(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args []string
		code int
		msg  string
	}{
		"non-loopback": {[]string{"--listen", "0.0.0.0:4566"}, 1, "non-loopback"},
		"missing seed": {[]string{"--listen", "127.0.0.1:0", "--seed", "/nonexistent.json"}, 2, "nonexistent"},
		"bad flag":     {[]string{"--nope"}, 2, "flag provided but not defined"},
		"extra args":   {[]string{"x"}, 2, "unexpected arguments"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var out, errb syncBuf
			if code := run(tc.args, &out, &errb, make(chan struct{})); code != tc.code || !strings.Contains(errb.String(), tc.msg) {
				t.Fatalf("code %d stderr %q", code, errb.String())
			}
		})
	}
}
